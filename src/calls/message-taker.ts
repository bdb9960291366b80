import { encodeWav, float32ToInt16, rmsDbfs, sine, type Frame } from "../audio/index.js";
import type { Speaker } from "../agent/conversation/speaker.js";
import type { CallAudio } from "../agent/conversation/types.js";

export interface MessageOptions {
  prompt: string;
  /** Silence after the caller has spoken that ends the message. */
  endSilenceMs: number;
  maxMs: number;
  signal: AbortSignal;
}

const SPEECH_DBFS = -40; // louder than line noise, quieter than any talker
const BEEP = float32ToInt16(sine(1000, { sampleRate: 8000, durationMs: 400, amplitude: 0.3 }));

/**
 * "Leave a message after the tone": says the prompt, beeps, and records the
 * caller until they stop talking (or hang up, or the limit). Returns the
 * recording as an 8 kHz WAV, or null when the caller said nothing.
 */
export async function takeMessage(
  speaker: Speaker,
  audio: CallAudio,
  listen: () => AsyncIterable<Frame>,
  o: MessageOptions,
): Promise<Buffer | null> {
  await speaker.say(o.prompt, o.signal).playback.done;
  await audio.play(BEEP, { signal: o.signal }).done;
  const parts: Int16Array[] = [];
  let recordedMs = 0;
  let spoke = false;
  let quietMs = 0;
  // Listening starts after the beep: what the caller said over the prompt is not part of the message.
  const it = listen()[Symbol.asyncIterator]();
  const onAbort = () => void it.return?.();
  o.signal.addEventListener("abort", onAbort, { once: true });
  try {
    for (;;) {
      const r = await it.next();
      if (r.done) break;
      const f = r.value;
      parts.push(f.pcm);
      const ms = (f.pcm.length * 1000) / f.sampleRate;
      recordedMs += ms;
      if (rmsDbfs(f.pcm) > SPEECH_DBFS) {
        spoke = true;
        quietMs = 0;
      } else quietMs += ms;
      if (recordedMs >= o.maxMs || (spoke && quietMs >= o.endSilenceMs)) break;
    }
  } finally {
    o.signal.removeEventListener("abort", onAbort);
  }
  if (!spoke) return null;
  const pcm = new Int16Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    pcm.set(p, at);
    at += p.length;
  }
  return encodeWav({ channels: [pcm], sampleRate: 8000 });
}
