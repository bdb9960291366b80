/**
 * The ggml tensor types the GGUF writer emits, with their block layouts
 * (ggml/src/ggml-common.h) and row encoders.
 *
 * Two ways to fill a tensor:
 *  - `quantizeRow`: from float values. F32, Q8_0 and Q6_K are supported: all
 *    three are symmetric, so a zero weight stays exactly zero. Q8_0 keeps a
 *    weight that is the largest of its 32 to within the fp16 scale's rounding
 *    (below 2^-10 relative); Q6_K keeps weights within a factor of ~30 of
 *    their 256-block's largest to a few per cent (one int8 scale per 16 and
 *    6-bit values), and loses much smaller ones. The scripted tensors fit
 *    that: their non-zero weights per row differ by at most 6x (llm-network.ts).
 *  - `randomRow` / zero rows: quantized bytes written directly, for the
 *    cost-only weights of the load doubles. Values do not matter there (their
 *    results are multiplied by zero weights later); ggml's dot-product kernels
 *    take the same time whatever the bytes, so a random block with a small
 *    finite scale costs exactly what a trained one does.
 */

export const GgmlType = { F32: 0, F16: 1, Q4_0: 2, Q5_0: 6, Q8_0: 8, Q4_K: 12, Q6_K: 14 } as const;
export type GgmlTypeName = keyof typeof GgmlType;

interface BlockLayout {
  /** Values per block. */
  blockSize: number;
  /** Bytes per block. */
  blockBytes: number;
  /** Byte offsets of the fp16 scale fields inside a block (set to a small value in random blocks). */
  scaleOffsets: readonly number[];
}

const layouts: Record<GgmlTypeName, BlockLayout> = {
  F32: { blockSize: 1, blockBytes: 4, scaleOffsets: [] },
  F16: { blockSize: 1, blockBytes: 2, scaleOffsets: [] },
  Q4_0: { blockSize: 32, blockBytes: 18, scaleOffsets: [0] }, // d, qs[16]
  Q5_0: { blockSize: 32, blockBytes: 22, scaleOffsets: [0] }, // d, qh[4], qs[16]
  Q8_0: { blockSize: 32, blockBytes: 34, scaleOffsets: [0] }, // d, qs[32]
  Q4_K: { blockSize: 256, blockBytes: 144, scaleOffsets: [0, 2] }, // d, dmin, scales[12], qs[128]
  Q6_K: { blockSize: 256, blockBytes: 210, scaleOffsets: [208] }, // ql[128], qh[64], scales[16], d
};

/** Bytes of one row of `rowLength` values; the row length must be a whole number of blocks. */
export function rowBytes(type: GgmlTypeName, rowLength: number): number {
  const { blockSize, blockBytes } = layouts[type];
  if (rowLength % blockSize !== 0)
    throw new Error(`a ${type} row needs a multiple of ${blockSize} values, got ${rowLength}`);
  return (rowLength / blockSize) * blockBytes;
}

/** Whether a row of this length can be stored in the type (llama-quantize falls back to another type otherwise). */
export function fitsRow(type: GgmlTypeName, rowLength: number): boolean {
  return rowLength % layouts[type].blockSize === 0;
}

/** IEEE half precision, round to nearest even (what ggml's GGML_FP32_TO_FP16 does on x86). */
export function toHalf(value: number): number {
  const f = new Float32Array([value]);
  const x = new Uint32Array(f.buffer)[0]!;
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  const e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    const half = mant >>> shift;
    const rest = mant & ((1 << shift) - 1);
    const mid = 1 << (shift - 1);
    return sign | (half + (rest > mid || (rest === mid && half & 1) ? 1 : 0));
  }
  let half = (e << 10) | (mant >>> 13);
  const rest = mant & 0x1fff;
  if (rest > 0x1000 || (rest === 0x1000 && half & 1)) half += 1; // may carry into the exponent, which is correct
  return sign | half;
}

/** The float a half encodes. */
export function fromHalf(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >>> 10) & 0x1f;
  const mant = h & 0x3ff;
  if (exp === 0) return sign * mant * 2 ** -24;
  if (exp === 0x1f) return mant ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * (1 + mant / 1024) * 2 ** (exp - 15);
}

/** Encodes one row of floats in the type. */
export function quantizeRow(type: GgmlTypeName, values: Float32Array, out: Uint8Array): void {
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  switch (type) {
    case "F32":
      for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i]!, true);
      return;
    case "F16":
      for (let i = 0; i < values.length; i++) view.setUint16(i * 2, toHalf(values[i]!), true);
      return;
    case "Q8_0":
      for (let b = 0; b * 32 < values.length; b++) quantizeQ8Block(values.subarray(b * 32, b * 32 + 32), view, b * 34);
      return;
    case "Q6_K":
      for (let b = 0; b * 256 < values.length; b++)
        quantizeQ6KBlock(values.subarray(b * 256, b * 256 + 256), out.subarray(b * 210, b * 210 + 210));
      return;
    default:
      throw new Error(`${type} is only written as random or zero blocks (no float quantizer here)`);
  }
}

function quantizeQ8Block(x: Float32Array, view: DataView, at: number): void {
  let amax = 0;
  for (const v of x) amax = Math.max(amax, Math.abs(v));
  const dh = toHalf(amax / 127);
  const d = fromHalf(dh);
  view.setUint16(at, dh, true);
  for (let i = 0; i < 32; i++) view.setInt8(at + 2 + i, d === 0 ? 0 : clamp(Math.round(x[i]! / d), -127, 127));
}

/** Q6_K: 16 groups of 16 values, each with an int8 scale of the block's fp16 scale; quants 0..63 stand for -32..31. */
function quantizeQ6KBlock(x: Float32Array, out: Uint8Array): void {
  const groupScale = new Float64Array(16);
  for (let g = 0; g < 16; g++) {
    let amax = 0;
    for (let i = 0; i < 16; i++) amax = Math.max(amax, Math.abs(x[g * 16 + i]!));
    groupScale[g] = amax / 31;
  }
  const maxScale = Math.max(...groupScale);
  const dh = toHalf(maxScale / 127);
  const d = fromHalf(dh);
  const q = new Uint8Array(256);
  const scales = new Int8Array(16);
  for (let g = 0; g < 16; g++) {
    scales[g] = d === 0 ? 0 : clamp(Math.round(groupScale[g]! / d), -128, 127);
    const step = d * scales[g]!;
    for (let i = 0; i < 16; i++)
      q[g * 16 + i] = (step === 0 ? 0 : clamp(Math.round(x[g * 16 + i]! / step), -32, 31)) + 32;
  }
  // Bit layout of dequantize_row_q6_K: per half-block of 128, ql holds low nibbles of
  // values l and l+64 (l < 64), qh the high 2 bits of l, l+32, l+64, l+96 (l < 32).
  const ql = out.subarray(0, 128);
  const qh = out.subarray(128, 192);
  for (let half = 0; half < 2; half++) {
    const y = q.subarray(half * 128);
    for (let l = 0; l < 32; l++) {
      ql[half * 64 + l] = (y[l]! & 0xf) | ((y[l + 64]! & 0xf) << 4);
      ql[half * 64 + l + 32] = (y[l + 32]! & 0xf) | ((y[l + 96]! & 0xf) << 4);
      qh[half * 32 + l] = (y[l]! >> 4) | ((y[l + 32]! >> 4) << 2) | ((y[l + 64]! >> 4) << 4) | ((y[l + 96]! >> 4) << 6);
    }
  }
  out.set(new Uint8Array(scales.buffer), 192);
  new DataView(out.buffer, out.byteOffset, out.byteLength).setUint16(208, dh, true);
}

/** Inverse of quantizeRow for the float-quantizable types (tests use it to check the layouts). */
export function dequantizeRow(type: GgmlTypeName, bytes: Uint8Array, length: number): Float32Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const y = new Float32Array(length);
  if (type === "F32") for (let i = 0; i < length; i++) y[i] = view.getFloat32(i * 4, true);
  else if (type === "F16") for (let i = 0; i < length; i++) y[i] = fromHalf(view.getUint16(i * 2, true));
  else if (type === "Q8_0") {
    for (let b = 0; b * 32 < length; b++) {
      const d = fromHalf(view.getUint16(b * 34, true));
      for (let i = 0; i < 32; i++) y[b * 32 + i] = d * view.getInt8(b * 34 + 2 + i);
    }
  } else if (type === "Q6_K") {
    for (let b = 0; b * 256 < length; b++) {
      const blk = bytes.subarray(b * 210, b * 210 + 210);
      const d = fromHalf(view.getUint16(b * 210 + 208, true));
      const sc = new Int8Array(blk.buffer, blk.byteOffset + 192, 16);
      for (let half = 0; half < 2; half++) {
        const ql = blk.subarray(half * 64);
        const qh = blk.subarray(128 + half * 32);
        for (let l = 0; l < 32; l++) {
          const is = Math.floor(l / 16) + half * 8;
          const base = b * 256 + half * 128;
          y[base + l] = d * sc[is]! * (((ql[l]! & 0xf) | ((qh[l]! & 3) << 4)) - 32);
          y[base + l + 32] = d * sc[is + 2]! * (((ql[l + 32]! & 0xf) | (((qh[l]! >> 2) & 3) << 4)) - 32);
          y[base + l + 64] = d * sc[is + 4]! * (((ql[l]! >> 4) | (((qh[l]! >> 4) & 3) << 4)) - 32);
          y[base + l + 96] = d * sc[is + 6]! * (((ql[l + 32]! >> 4) | (((qh[l]! >> 6) & 3) << 4)) - 32);
        }
      }
    }
  } else throw new Error(`cannot dequantize ${type}`);
  return y;
}

/**
 * Fills `out` (whole rows) with random bytes from `random`, then sets every
 * fp16 scale field to `scale`, so each weight is a small finite number. For
 * F32/F16 the values are uniform in [-scale, scale].
 */
export function randomRows(type: GgmlTypeName, out: Uint8Array, random: () => number, scale: number): void {
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  if (type === "F32" || type === "F16") {
    const size = type === "F32" ? 4 : 2;
    for (let i = 0; i * size < out.length; i++) {
      const v = ((random() / 0xffffffff) * 2 - 1) * scale;
      if (type === "F32") view.setFloat32(i * 4, v, true);
      else view.setUint16(i * 2, toHalf(v), true);
    }
    return;
  }
  const words = new Uint32Array(out.buffer, out.byteOffset, Math.floor(out.byteLength / 4));
  for (let i = 0; i < words.length; i++) words[i] = random();
  for (let i = words.length * 4; i < out.length; i++) out[i] = random() & 0xff;
  const { blockBytes, scaleOffsets } = layouts[type];
  const half = toHalf(scale);
  for (let at = 0; at < out.length; at += blockBytes)
    for (const off of scaleOffsets) view.setUint16(at + off, half, true);
}

/** A fast deterministic 32-bit generator (xorshift32) seeded from a string. */
export function seededRandom(seed: string): () => number {
  let s = 2166136261;
  for (let i = 0; i < seed.length; i++) s = Math.imul(s ^ seed.charCodeAt(i), 16777619);
  if (s === 0) s = 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return s >>> 0;
  };
}

function clamp(v: number, lo: number, hi: number): number {
  return v < lo ? lo : v > hi ? hi : v;
}
