import { Resampler } from "../audio/index.js";
import type { SpeechSegment, VadEngine } from "../engines/types.js";

export interface TrimmedSpeech {
  samples: Float32Array;
  sampleRate: number;
  speechMs: number;
  segments: SpeechSegment[];
}

const PAD_MS = 200; // keep a little air around each segment: ASR clips word edges otherwise

/** Resamples to the VAD's rate, finds the speech, and returns just the speech (padded, merged) for ASR. */
export async function trimToSpeech(
  samples: Float32Array,
  sampleRate: number,
  vad: VadEngine,
  signal: AbortSignal,
): Promise<TrimmedSpeech> {
  const rate = vad.sampleRate;
  const audio = sampleRate === rate ? samples : new Resampler(sampleRate, rate).process(samples);
  const segments = await vad.segments(audio, { signal });
  // Whole milliseconds: it is stored in a STRICT INTEGER column, and segment edges need not be whole.
  const speechMs = Math.round(segments.reduce((n, s) => n + (s.endMs - s.startMs), 0));
  const merged: SpeechSegment[] = [];
  for (const s of segments) {
    const start = Math.max(0, s.startMs - PAD_MS);
    const end = Math.min((audio.length * 1000) / rate, s.endMs + PAD_MS);
    const last = merged[merged.length - 1];
    if (last && start <= last.endMs) last.endMs = Math.max(last.endMs, end);
    else merged.push({ startMs: start, endMs: end });
  }
  const pieces = merged.map((s) =>
    audio.subarray(Math.floor((s.startMs * rate) / 1000), Math.ceil((s.endMs * rate) / 1000)),
  );
  const out = new Float32Array(pieces.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of pieces) {
    out.set(p, o);
    o += p.length;
  }
  return { samples: out, sampleRate: rate, speechMs, segments };
}
