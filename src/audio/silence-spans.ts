import { g711SilenceCode } from "./g711.js";
import { invalidWav, type WavEncoding } from "./wav-format.js";
import { readWavHeader } from "./wav-header.js";

/**
 * Replaces marked stretches of a WAV recording with silence (PCI: the
 * stretch where a caller read out card digits). The file keeps its length
 * and layout, so timestamps into it stay true; only the samples inside the
 * stretches change. Works on every encoding the reader decodes, writing each
 * encoding's own zero (128 for 8-bit PCM, 0xFF / 0xD5 for mu-law / A-law).
 */
export interface TimeSpan {
  /** Milliseconds from the start of the audio. */
  startMs: number;
  endMs: number;
}

export interface SilenceSpansOptions {
  /** Which channels to silence (0 = left / caller in Parley's recordings); all when omitted. */
  channels?: readonly number[];
}

export interface SilencedWav {
  bytes: Uint8Array;
  /** Audio actually silenced, after clamping the spans to the file and merging overlaps. */
  silencedMs: number;
}

/** A copy of `wav` with the spans silenced; the input is not changed. */
export function silenceWavSpans(
  wav: Uint8Array,
  spans: readonly TimeSpan[],
  options: SilenceSpansOptions = {},
): SilencedWav {
  const bytes = new Uint8Array(wav);
  const silencedMs = silenceWavSpansInPlace(bytes, spans, options);
  return { bytes, silencedMs };
}

/** Silences the spans inside `wav` itself (a buffer just read from a file); returns the milliseconds silenced. */
export function silenceWavSpansInPlace(
  wav: Uint8Array,
  spans: readonly TimeSpan[],
  options: SilenceSpansOptions = {},
): number {
  const h = readWavHeader(wav);
  const channels = options.channels ?? Array.from({ length: h.channels }, (_, i) => i);
  for (const c of channels) {
    if (!Number.isInteger(c) || c < 0 || c >= h.channels)
      throw invalidWav(`channel ${c} does not exist; the file has ${h.channels}`);
  }
  const bytesPerSample = h.blockAlign / h.channels;
  const zero = zeroSample(h.encoding, bytesPerSample);
  let frames = 0;
  for (const { from, to } of frameRanges(spans, h.sampleRate, h.frames)) {
    for (let f = from; f < to; f++) {
      const frameAt = h.dataOffset + f * h.blockAlign;
      for (const c of channels) wav.set(zero, frameAt + c * bytesPerSample);
    }
    frames += to - from;
  }
  return (frames * 1000) / h.sampleRate;
}

/** Sample frames covered by the spans: validated, clamped to the audio, sorted, merged. */
export function frameRanges(
  spans: readonly TimeSpan[],
  sampleRate: number,
  totalFrames: number,
): { from: number; to: number }[] {
  const ranges = spans.map((s, i) => {
    if (!Number.isFinite(s.startMs) || !Number.isFinite(s.endMs) || s.startMs < 0 || s.endMs < s.startMs) {
      throw invalidWav(`span ${i} (${s.startMs}..${s.endMs} ms) must have 0 <= startMs <= endMs`);
    }
    // Outward rounding: a sample half inside the span is silenced too.
    return {
      from: Math.min(totalFrames, Math.floor((s.startMs * sampleRate) / 1000)),
      to: Math.min(totalFrames, Math.ceil((s.endMs * sampleRate) / 1000)),
    };
  });
  ranges.sort((a, b) => a.from - b.from);
  const merged: { from: number; to: number }[] = [];
  for (const r of ranges) {
    const last = merged[merged.length - 1];
    if (last && r.from <= last.to) last.to = Math.max(last.to, r.to);
    else if (r.to > r.from) merged.push({ ...r });
  }
  return merged;
}

function zeroSample(encoding: WavEncoding, bytes: number): Uint8Array {
  switch (encoding) {
    case "pcm_u8":
      return Uint8Array.of(128);
    case "mulaw":
      return Uint8Array.of(g711SilenceCode("pcmu"));
    case "alaw":
      return Uint8Array.of(g711SilenceCode("pcma"));
    default:
      // Signed PCM and IEEE float: all-zero bytes are zero in either byte order.
      return new Uint8Array(bytes);
  }
}
