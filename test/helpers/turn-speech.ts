import { resample } from "../../src/audio/index.js";
import { phonesOf, speakTimed } from "../../src/bench/turns/flite-timing.js";

/**
 * Caller speech for turn-model tests (flite): a sentence spoken whole, or
 * cut right after its first words (the rest of the sentence was coming: the
 * prosody of those words is not final), then `silenceMs` of silence, 16 kHz.
 */
export function spokenTurn(sentence: string, o: { cutAfterWords?: number; silenceMs: number }): Float32Array {
  const speech = speakTimed(sentence);
  let end = speech.samples.length;
  if (o.cutAfterWords !== undefined) {
    const before = phonesOf(sentence.split(" ").slice(0, o.cutAfterWords).join(" "));
    const lastPhone = speech.phones[before.length - 1];
    if (!lastPhone) throw new Error(`cannot cut '${sentence}' after ${o.cutAfterWords} words`);
    end = Math.round((lastPhone.endMs * speech.sampleRate) / 1000);
  }
  const out = new Float32Array(end + Math.round((o.silenceMs * speech.sampleRate) / 1000));
  out.set(speech.samples.subarray(0, end));
  return speech.sampleRate === 16000 ? out : resample(out, speech.sampleRate, 16000);
}
