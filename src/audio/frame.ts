/**
 * PCM frames and the sample-format conversions every stage needs.
 *
 * Int16 <-> Float32 use one scale factor (32768) in both directions, so
 * int -> float -> int is lossless and -32768 maps to exactly -1.0. The float
 * -> int direction rounds to nearest and clamps, so +1.0 becomes 32767 and
 * NaN becomes 0. This matches sherpa-onnx's own reader (samples / 32768).
 */
import { ParleyError } from "../lib/errors.js";

/** A block of mono PCM16 audio with its sample rate and presentation time. */
export interface Frame {
  pcm: Int16Array;
  sampleRate: number;
  ptsMs: number;
}

const INT16_SCALE = 32768;
const INV_INT16_SCALE = 1 / INT16_SCALE;

/** Converts PCM16 to float in [-1, 1); writes into `out` (same length or longer) when given. */
export function int16ToFloat32(src: Int16Array, out?: Float32Array): Float32Array {
  const n = src.length;
  const dst = out ?? new Float32Array(n);
  if (dst.length < n) throw new RangeError(`int16ToFloat32: output holds ${dst.length}, need ${n}`);
  for (let i = 0; i < n; i++) dst[i] = src[i]! * INV_INT16_SCALE;
  return dst;
}

/** Converts float samples to PCM16, rounding and clamping; writes into `out` when given. */
export function float32ToInt16(src: Float32Array, out?: Int16Array): Int16Array {
  const n = src.length;
  const dst = out ?? new Int16Array(n);
  if (dst.length < n) throw new RangeError(`float32ToInt16: output holds ${dst.length}, need ${n}`);
  for (let i = 0; i < n; i++) {
    const v = src[i]! * INT16_SCALE;
    // Typed-array stores wrap modulo 2^16, so clamping first is what prevents a full-scale click.
    dst[i] = v >= 32767 ? 32767 : v <= -32768 ? -32768 : Math.round(v);
  }
  return dst;
}

/** Number of samples in `ms` milliseconds at `sampleRate` (rounded to nearest). */
export function msToSamples(ms: number, sampleRate: number): number {
  return Math.round((ms * sampleRate) / 1000);
}

/** Duration in milliseconds of `samples` samples at `sampleRate`. */
export function samplesToMs(samples: number, sampleRate: number): number {
  return (samples * 1000) / sampleRate;
}

/** Duration of a frame in milliseconds. */
export function frameDurationMs(frame: Frame): number {
  return samplesToMs(frame.pcm.length, frame.sampleRate);
}

/** Joins Int16 arrays into one new array. */
export function concatInt16(parts: readonly Int16Array[]): Int16Array {
  let total = 0;
  for (const p of parts) total += p.length;
  const out = new Int16Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Joins Float32 arrays into one new array. */
export function concatFloat32(parts: readonly Float32Array[]): Float32Array {
  let total = 0;
  for (const p of parts) total += p.length;
  const out = new Float32Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Joins consecutive frames of one sample rate; the result starts at the first frame's pts. */
export function concatFrames(frames: readonly Frame[]): Frame {
  const first = frames[0];
  if (first === undefined) throw new ParleyError("audio_invalid", "concatFrames: no frames given");
  for (const f of frames) {
    if (f.sampleRate !== first.sampleRate) {
      throw new ParleyError(
        "audio_invalid",
        `concatFrames: sample rates differ (${first.sampleRate} Hz and ${f.sampleRate} Hz); resample first`,
      );
    }
  }
  return { pcm: concatInt16(frames.map((f) => f.pcm)), sampleRate: first.sampleRate, ptsMs: first.ptsMs };
}

/** A view (no copy) of samples [start, end) of a frame, indices clamped to it; the pts moves with the start. */
export function sliceFrame(frame: Frame, start: number, end = frame.pcm.length): Frame {
  const s = Math.max(0, Math.min(start, frame.pcm.length));
  const e = Math.max(s, Math.min(end, frame.pcm.length));
  return {
    pcm: frame.pcm.subarray(s, e),
    sampleRate: frame.sampleRate,
    ptsMs: frame.ptsMs + samplesToMs(s, frame.sampleRate),
  };
}
