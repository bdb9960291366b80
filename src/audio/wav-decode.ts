/**
 * Sample decoding for a validated WAV header: every supported encoding to
 * mono float. Stereo is averaged, which keeps a caller/agent recording's two
 * sides equally loud for batch ASR. One loop per encoding keeps each hot
 * loop monomorphic.
 */
import { decodeAlawInto, decodeMulawInto } from "./g711.js";
import type { WavHeader } from "./wav-format.js";

/** Decodes the data chunk described by `header` to mono float samples. */
export function decodeWavSamples(bytes: Uint8Array, header: WavHeader): Float32Array {
  const { frames, channels, dataOffset, dataBytes, bigEndian } = header;
  const le = !bigEndian;
  const view = new DataView(bytes.buffer, bytes.byteOffset + dataOffset, dataBytes);
  const n = frames * channels;
  const interleaved = channels === 1 ? new Float32Array(frames) : new Float32Array(n);
  switch (header.encoding) {
    case "pcm_u8":
      for (let i = 0; i < n; i++) interleaved[i] = (view.getUint8(i) - 128) / 128;
      break;
    case "pcm_s16":
      for (let i = 0; i < n; i++) interleaved[i] = view.getInt16(i * 2, le) / 32768;
      break;
    case "pcm_s24":
      for (let i = 0, at = 0; i < n; i++, at += 3) {
        const b0 = view.getUint8(at);
        const b1 = view.getUint8(at + 1);
        const b2 = view.getUint8(at + 2);
        const v = le ? b0 | (b1 << 8) | (b2 << 16) : b2 | (b1 << 8) | (b0 << 16);
        interleaved[i] = ((v << 8) >> 8) / 8388608;
      }
      break;
    case "pcm_s32":
      for (let i = 0; i < n; i++) interleaved[i] = view.getInt32(i * 4, le) / 2147483648;
      break;
    case "float32":
      for (let i = 0; i < n; i++) interleaved[i] = finite(view.getFloat32(i * 4, le));
      break;
    case "float64":
      for (let i = 0; i < n; i++) interleaved[i] = finite(view.getFloat64(i * 8, le));
      break;
    case "mulaw":
    case "alaw": {
      const codes = bytes.subarray(dataOffset, dataOffset + n);
      const pcm = new Int16Array(n);
      if (header.encoding === "mulaw") decodeMulawInto(codes, pcm);
      else decodeAlawInto(codes, pcm);
      for (let i = 0; i < n; i++) interleaved[i] = pcm[i]! / 32768;
      break;
    }
  }
  return channels === 1 ? interleaved : downmix(interleaved, channels, frames);
}

/** A NaN or infinity in a float file would poison every later stage; it becomes silence. */
function finite(v: number): number {
  return Number.isFinite(v) ? v : 0;
}

function downmix(interleaved: Float32Array, channels: number, frames: number): Float32Array {
  const out = new Float32Array(frames);
  const scale = 1 / channels;
  for (let f = 0, i = 0; f < frames; f++) {
    let sum = 0;
    for (let c = 0; c < channels; c++, i++) sum += interleaved[i]!;
    out[f] = sum * scale;
  }
  return out;
}
