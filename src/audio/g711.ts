/**
 * G.711 mu-law (PCMU) and A-law (PCMA) for whole buffers, table driven.
 *
 * Bit-exact with the ITU-T reference software (G.191 STL, `g711.c`): negative
 * samples are folded by one's complement (`~x`), which makes the quantiser
 * exactly antisymmetric (`encode(~x) === encode(x) ^ 0x80`). The popular
 * Sun/CCITT-derived code (alawmulaw, Asterisk) folds by two's complement
 * (`-x`) instead, so at the 127 negative decision boundaries of each law it
 * picks the neighbouring code: `theirs(x) === ours(x - 1)` for every x < 0.
 * Decoding is identical everywhere. Both interoperate; we follow the ITU.
 *
 * Because the reference only looks at the top 14 (mu-law) or 13 (A-law) bits,
 * encoding is one table lookup per sample: 16384 entries indexed by `x >> 2`
 * for mu-law, 4096 indexed by `x >> 4` for A-law.
 */

/** The two G.711 laws by their RTP names. */
export type G711Law = "pcmu" | "pcma";

/** Reference mu-law encoder for one 16-bit sample (G.191 `ulaw_compress`). */
export function mulawEncodeSample(x: number): number {
  let absno = x < 0 ? (~x >> 2) + 33 : (x >> 2) + 33;
  if (absno > 0x1fff) absno = 0x1fff;
  let segno = 1;
  for (let i = absno >> 6; i !== 0; i >>= 1) segno++;
  const high = 8 - segno;
  const low = 0x0f - ((absno >> segno) & 0x0f);
  const code = (high << 4) | low;
  return x >= 0 ? code | 0x80 : code;
}

/** Reference mu-law decoder for one code (G.191 `ulaw_expand`). */
export function mulawDecodeSample(code: number): number {
  const inv = ~code & 0xff;
  const exponent = (inv >> 4) & 0x07;
  const mantissa = inv & 0x0f;
  const step = 4 << (exponent + 1);
  const magnitude = (0x80 << exponent) + step * mantissa + step / 2 - 4 * 33;
  // `0 - magnitude` rather than `-magnitude`: code 0x7f must decode to 0, not -0.
  return (code & 0x80) !== 0 ? magnitude : 0 - magnitude;
}

/** Reference A-law encoder for one 16-bit sample (G.191 `alaw_compress`). */
export function alawEncodeSample(x: number): number {
  let ix = x < 0 ? ~x >> 4 : x >> 4;
  if (ix > 15) {
    let exponent = 1;
    while (ix > 16 + 15) {
      ix >>= 1;
      exponent++;
    }
    ix = ix - 16 + (exponent << 4);
  }
  if (x >= 0) ix |= 0x80;
  return ix ^ 0x55;
}

/** Reference A-law decoder for one code (G.191 `alaw_expand`). */
export function alawDecodeSample(code: number): number {
  const ix = (code ^ 0x55) & 0x7f;
  const exponent = ix >> 4;
  let mantissa = ix & 0x0f;
  if (exponent > 0) mantissa += 16;
  mantissa = (mantissa << 4) + 8;
  if (exponent > 1) mantissa <<= exponent - 1;
  return (code & 0x80) !== 0 ? mantissa : -mantissa;
}

// Tables are built once from the scalar reference, so the fast path cannot drift from it.
const MULAW_ENCODE = new Uint8Array(1 << 14);
const ALAW_ENCODE = new Uint8Array(1 << 12);
const MULAW_DECODE = new Int16Array(256);
const ALAW_DECODE = new Int16Array(256);
for (let i = 0; i < MULAW_ENCODE.length; i++) MULAW_ENCODE[i] = mulawEncodeSample(((i << 18) >> 16) | 0);
for (let i = 0; i < ALAW_ENCODE.length; i++) ALAW_ENCODE[i] = alawEncodeSample(((i << 20) >> 16) | 0);
for (let c = 0; c < 256; c++) {
  MULAW_DECODE[c] = mulawDecodeSample(c);
  ALAW_DECODE[c] = alawDecodeSample(c);
}

/** Checks that `out` has room for `n` values from `offset`; a short buffer is a caller bug. */
function checkRoom(n: number, outLength: number, offset: number): void {
  if (offset < 0 || offset + n > outLength) {
    throw new RangeError(`G.711 output too small: need ${n} from offset ${offset}, have ${outLength}`);
  }
}

/** Encodes PCM16 to mu-law into `out` at `offset`; returns the number of bytes written. */
export function encodeMulawInto(pcm: Int16Array, out: Uint8Array, offset = 0): number {
  const n = pcm.length;
  checkRoom(n, out.length, offset);
  for (let i = 0; i < n; i++) out[offset + i] = MULAW_ENCODE[(pcm[i]! >> 2) & 0x3fff]!;
  return n;
}

/** Encodes PCM16 to A-law into `out` at `offset`; returns the number of bytes written. */
export function encodeAlawInto(pcm: Int16Array, out: Uint8Array, offset = 0): number {
  const n = pcm.length;
  checkRoom(n, out.length, offset);
  for (let i = 0; i < n; i++) out[offset + i] = ALAW_ENCODE[(pcm[i]! >> 4) & 0x0fff]!;
  return n;
}

/** Decodes mu-law bytes (a Buffer works) to PCM16 into `out` at `offset`; returns samples written. */
export function decodeMulawInto(codes: Uint8Array, out: Int16Array, offset = 0): number {
  const n = codes.length;
  checkRoom(n, out.length, offset);
  for (let i = 0; i < n; i++) out[offset + i] = MULAW_DECODE[codes[i]!]!;
  return n;
}

/** Decodes A-law bytes (a Buffer works) to PCM16 into `out` at `offset`; returns samples written. */
export function decodeAlawInto(codes: Uint8Array, out: Int16Array, offset = 0): number {
  const n = codes.length;
  checkRoom(n, out.length, offset);
  for (let i = 0; i < n; i++) out[offset + i] = ALAW_DECODE[codes[i]!]!;
  return n;
}

/** Encodes PCM16 to a new mu-law buffer. */
export function encodeMulaw(pcm: Int16Array): Uint8Array {
  const out = new Uint8Array(pcm.length);
  encodeMulawInto(pcm, out);
  return out;
}

/** Encodes PCM16 to a new A-law buffer. */
export function encodeAlaw(pcm: Int16Array): Uint8Array {
  const out = new Uint8Array(pcm.length);
  encodeAlawInto(pcm, out);
  return out;
}

/** Decodes mu-law bytes to a new PCM16 array. */
export function decodeMulaw(codes: Uint8Array): Int16Array {
  const out = new Int16Array(codes.length);
  decodeMulawInto(codes, out);
  return out;
}

/** Decodes A-law bytes to a new PCM16 array. */
export function decodeAlaw(codes: Uint8Array): Int16Array {
  const out = new Int16Array(codes.length);
  decodeAlawInto(codes, out);
  return out;
}

/** Encodes with the law named at run time (SDP negotiation picks it); returns bytes written. */
export function g711EncodeInto(law: G711Law, pcm: Int16Array, out: Uint8Array, offset = 0): number {
  return law === "pcmu" ? encodeMulawInto(pcm, out, offset) : encodeAlawInto(pcm, out, offset);
}

/** Decodes with the law named at run time; returns samples written. */
export function g711DecodeInto(law: G711Law, codes: Uint8Array, out: Int16Array, offset = 0): number {
  return law === "pcmu" ? decodeMulawInto(codes, out, offset) : decodeAlawInto(codes, out, offset);
}

/** The code that decodes to (near) zero: what a comfort-silence payload is filled with. */
export function g711SilenceCode(law: G711Law): number {
  return law === "pcmu" ? 0xff : 0xd5;
}
