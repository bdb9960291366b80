import { encodeWav, float32ToInt16, rmsDbfs, sine, type Frame } from "../audio/index.js";
import type { CallAudio } from "../agent/conversation/types.js";

export interface MessageOptions {
  /** Plays the prompt or greeting ("please leave a message..."), resolving when it has been heard. */
  greet: (signal: AbortSignal) => Promise<unknown>;
  /** Silence after the caller has spoken that ends the message. */
  endSilenceMs: number;
  maxMs: number;
  signal: AbortSignal;
  /** Ends the recording when it aborts (the caller pressed the finish key), keeping what was said. */
  finish?: AbortSignal;
}

const SPEECH_DBFS = -40; // louder than line noise, quieter than any talker
const BEEP = float32ToInt16(sine(1000, { sampleRate: 8000, durationMs: 400, amplitude: 0.3 }));

/**
 * "Leave a message after the tone": plays the prompt, beeps, and records the
 * caller until they stop talking (or hang up, press the finish key, or reach
 * the limit). Returns the recording as an 8 kHz WAV, or null when the caller
 * said nothing.
 */
export async function takeMessage(
  audio: CallAudio,
  listen: () => AsyncIterable<Frame>,
  o: MessageOptions,
): Promise<Buffer | null> {
  await o.greet(o.signal);
  await audio.play(BEEP, { signal: o.signal }).done;
  const parts: Int16Array[] = [];
  let recordedMs = 0;
  let spoke = false;
  let quietMs = 0;
  // Listening starts after the beep: what the caller said over the prompt is not part of the message.
  const it = listen()[Symbol.asyncIterator]();
  const onAbort = () => void it.return?.();
  const stop = o.finish ? AbortSignal.any([o.signal, o.finish]) : o.signal;
  stop.addEventListener("abort", onAbort, { once: true });
  try {
    if (stop.aborted) return null;
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
    stop.removeEventListener("abort", onAbort);
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
