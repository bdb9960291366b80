/**
 * Builds WAV files byte by byte for the reader's tests, independently of
 * src/audio/wav-encode.ts, so the reader is not only checked against our own
 * writer. Every field can be overridden to make malformed files.
 */
import { encodeAlaw, encodeMulaw } from "../../../src/audio/g711.js";
import type { WavEncoding } from "../../../src/audio/wav-format.js";

export interface Chunk {
  id: string;
  body: Uint8Array;
  /** Size field to write instead of body.length. */
  size?: number;
  /** Leave out the pad byte after an odd body (a common writer bug). */
  noPad?: boolean;
}

export interface BuildOptions {
  formatTag: number;
  channels: number;
  sampleRate: number;
  bitsPerSample: number;
  blockAlign?: number;
  byteRate?: number;
  data: Uint8Array;
  bigEndian?: boolean;
  /** Wrap in WAVE_FORMAT_EXTENSIBLE with this sub-format code (and optional GUID tail override). */
  extensible?: { subFormat: number; validBits?: number; guidTail?: number[] };
  /** cbSize-style extra bytes after the 16-byte fmt core (non-extensible). */
  fmtExtra?: Uint8Array;
  before?: Chunk[];
  between?: Chunk[];
  after?: Chunk[];
  dataSize?: number;
  riffSize?: number;
  magic?: string;
  form?: string;
}

const GUID_TAIL = [0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71];

export function buildWav(o: BuildOptions): Buffer {
  const be = o.bigEndian === true;
  const u16 = (v: number): Buffer => {
    const b = Buffer.alloc(2);
    if (be) b.writeUInt16BE(v);
    else b.writeUInt16LE(v);
    return b;
  };
  const u32 = (v: number): Buffer => {
    const b = Buffer.alloc(4);
    if (be) b.writeUInt32BE(v >>> 0);
    else b.writeUInt32LE(v >>> 0);
    return b;
  };
  const chunk = (c: Chunk): Buffer => {
    const pad = c.body.length % 2 === 1 && c.noPad !== true ? Buffer.alloc(1) : Buffer.alloc(0);
    return Buffer.concat([Buffer.from(c.id, "latin1"), u32(c.size ?? c.body.length), c.body, pad]);
  };
  const blockAlign = o.blockAlign ?? Math.ceil(o.bitsPerSample / 8) * o.channels;
  const core = [
    u16(o.extensible ? 0xfffe : o.formatTag),
    u16(o.channels),
    u32(o.sampleRate),
    u32(o.byteRate ?? blockAlign * o.sampleRate),
    u16(blockAlign),
    u16(o.bitsPerSample),
  ];
  let fmtBody: Buffer;
  if (o.extensible) {
    const x = o.extensible;
    fmtBody = Buffer.concat([
      ...core,
      u16(22),
      u16(x.validBits ?? o.bitsPerSample),
      u32(o.channels === 2 ? 3 : 4),
      u32(x.subFormat),
      u16(0x0000),
      u16(0x0010),
      Buffer.from(x.guidTail ?? GUID_TAIL.slice(6)),
    ]);
  } else {
    fmtBody = Buffer.concat([...core, ...(o.fmtExtra ? [o.fmtExtra] : [])]);
  }
  const body = Buffer.concat([
    Buffer.from(o.form ?? "WAVE", "latin1"),
    ...(o.before ?? []).map(chunk),
    chunk({ id: "fmt ", body: fmtBody }),
    ...(o.between ?? []).map(chunk),
    chunk({ id: "data", body: o.data, ...(o.dataSize === undefined ? {} : { size: o.dataSize }) }),
    ...(o.after ?? []).map(chunk),
  ]);
  return Buffer.concat([
    Buffer.from(o.magic ?? (be ? "RIFX" : "RIFF"), "latin1"),
    u32(o.riffSize ?? body.length),
    body,
  ]);
}

/** Encodes interleaved float samples in [-1, 1) as a WAV encoding's bytes. */
export function encodeSamples(encoding: WavEncoding, samples: Float64Array, bigEndian = false): Uint8Array {
  const n = samples.length;
  const clamp = (v: number, lo: number, hi: number): number => Math.max(lo, Math.min(hi, v));
  const int16 = (): Int16Array => Int16Array.from(samples, (v) => clamp(Math.round(v * 32768), -32768, 32767));
  switch (encoding) {
    case "pcm_u8":
      return Uint8Array.from(samples, (v) => clamp(Math.round(v * 128) + 128, 0, 255));
    case "mulaw":
      return encodeMulaw(int16());
    case "alaw":
      return encodeAlaw(int16());
    default: {
      const size = { pcm_s16: 2, pcm_s24: 3, pcm_s32: 4, float32: 4, float64: 8 }[encoding];
      const b = Buffer.alloc(n * size);
      for (let i = 0; i < n; i++) {
        const v = samples[i]!;
        const at = i * size;
        if (encoding === "pcm_s16") {
          const s = clamp(Math.round(v * 32768), -32768, 32767);
          if (bigEndian) b.writeInt16BE(s, at);
          else b.writeInt16LE(s, at);
        } else if (encoding === "pcm_s24") {
          const s = clamp(Math.round(v * 8388608), -8388608, 8388607);
          if (bigEndian) b.writeIntBE(s, at, 3);
          else b.writeIntLE(s, at, 3);
        } else if (encoding === "pcm_s32") {
          const s = clamp(Math.round(v * 2147483648), -2147483648, 2147483647);
          if (bigEndian) b.writeInt32BE(s, at);
          else b.writeInt32LE(s, at);
        } else if (encoding === "float32") {
          if (bigEndian) b.writeFloatBE(v, at);
          else b.writeFloatLE(v, at);
        } else if (bigEndian) b.writeDoubleBE(v, at);
        else b.writeDoubleLE(v, at);
      }
      return b;
    }
  }
}

/** Format tag and bits for each encoding. */
export const ENCODING_FIELDS: Record<WavEncoding, { formatTag: number; bitsPerSample: number; tolerance: number }> = {
  pcm_u8: { formatTag: 1, bitsPerSample: 8, tolerance: 1 / 128 },
  pcm_s16: { formatTag: 1, bitsPerSample: 16, tolerance: 1 / 32768 },
  pcm_s24: { formatTag: 1, bitsPerSample: 24, tolerance: 1 / 8388608 },
  pcm_s32: { formatTag: 1, bitsPerSample: 32, tolerance: 1e-7 },
  float32: { formatTag: 3, bitsPerSample: 32, tolerance: 1e-7 },
  float64: { formatTag: 3, bitsPerSample: 64, tolerance: 1e-7 },
  // G.711 is logarithmic: near full scale one step is 1024/32768 for both laws.
  mulaw: { formatTag: 7, bitsPerSample: 8, tolerance: 1100 / 32768 },
  alaw: { formatTag: 6, bitsPerSample: 8, tolerance: 1100 / 32768 },
};
