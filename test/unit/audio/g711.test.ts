import alawmulaw from "alawmulaw";
import { describe, expect, it } from "vitest";
import {
  alawDecodeSample,
  alawEncodeSample,
  decodeAlaw,
  decodeAlawInto,
  decodeMulaw,
  decodeMulawInto,
  encodeAlaw,
  encodeAlawInto,
  encodeMulaw,
  encodeMulawInto,
  g711DecodeInto,
  g711EncodeInto,
  g711SilenceCode,
  mulawDecodeSample,
  mulawEncodeSample,
} from "../../../src/audio/g711.js";

const { alaw, mulaw } = alawmulaw;

/** Every 16-bit input, -32768..32767. */
const ALL_INPUTS = Int16Array.from({ length: 65536 }, (_, i) => i - 32768);
const ALL_CODES = Uint8Array.from({ length: 256 }, (_, i) => i);

// ITU-T G.191 STL g711.c, transcribed loop for loop, as the bit-exact reference.
function g191UlawCompress(x: number): number {
  let absno = x < 0 ? (~x >> 2) + 33 : (x >> 2) + 33;
  if (absno > 0x1fff) absno = 0x1fff;
  let i = absno >> 6;
  let segno = 1;
  while (i !== 0) {
    segno++;
    i >>= 1;
  }
  const high = 0x0008 - segno;
  let low = (absno >> segno) & 0x000f;
  low = 0x000f - low;
  let out = (high << 4) | low;
  if (x >= 0) out |= 0x0080;
  return out;
}

function g191AlawCompress(x: number): number {
  let ix = x < 0 ? ~x >> 4 : x >> 4;
  if (ix > 15) {
    let iexp = 1;
    while (ix > 16 + 15) {
      ix >>= 1;
      iexp++;
    }
    ix -= 16;
    ix += iexp << 4;
  }
  if (x >= 0) ix |= 0x0080;
  return ix ^ 0x0055;
}

function g191UlawExpand(code: number): number {
  const sign = code < 0x80 ? -1 : 1;
  let mantissa = ~code;
  const exponent = (mantissa >> 4) & 0x07;
  const segment = exponent + 1;
  mantissa &= 0x0f;
  const step = 4 << segment;
  return sign * ((0x80 << exponent) + step * mantissa + step / 2 - 4 * 33) + 0; // + 0 turns -0 into 0, as a short does
}

function g191AlawExpand(code: number): number {
  let ix = code ^ 0x55;
  ix &= 0x7f;
  const iexp = ix >> 4;
  let mant = ix & 0x0f;
  if (iexp > 0) mant += 16;
  mant = (mant << 4) + 0x08;
  if (iexp > 1) mant <<= iexp - 1;
  return code > 127 ? mant : -mant;
}

describe("G.711 against the ITU-T G.191 reference", () => {
  it("mu-law encodes all 65536 inputs bit-exactly (table path and scalar)", () => {
    const table = encodeMulaw(ALL_INPUTS);
    const mismatches = ALL_INPUTS.filter(
      (x, i) => table[i] !== g191UlawCompress(x) || mulawEncodeSample(x) !== g191UlawCompress(x),
    );
    expect(mismatches.length).toBe(0);
  });

  it("A-law encodes all 65536 inputs bit-exactly (table path and scalar)", () => {
    const table = encodeAlaw(ALL_INPUTS);
    const mismatches = ALL_INPUTS.filter(
      (x, i) => table[i] !== g191AlawCompress(x) || alawEncodeSample(x) !== g191AlawCompress(x),
    );
    expect(mismatches.length).toBe(0);
  });

  it("decodes all 256 codes of both laws bit-exactly", () => {
    expect(Array.from(decodeMulaw(ALL_CODES))).toEqual(Array.from(ALL_CODES, g191UlawExpand));
    expect(Array.from(decodeAlaw(ALL_CODES))).toEqual(Array.from(ALL_CODES, g191AlawExpand));
    expect(Array.from(ALL_CODES, mulawDecodeSample)).toEqual(Array.from(ALL_CODES, g191UlawExpand));
    expect(Array.from(ALL_CODES, alawDecodeSample)).toEqual(Array.from(ALL_CODES, g191AlawExpand));
  });

  it("is antisymmetric under one's complement, as the reference quantiser is", () => {
    const mu = encodeMulaw(ALL_INPUTS);
    const a = encodeAlaw(ALL_INPUTS);
    for (let i = 0; i < 65536; i++) {
      const j = 65535 - i; // ALL_INPUTS[j] === ~ALL_INPUTS[i]
      if (mu[j] !== (mu[i]! ^ 0x80) || a[j] !== (a[i]! ^ 0x80)) throw new Error(`asymmetric at ${ALL_INPUTS[i]}`);
    }
  });

  it("re-encodes every decoded code to itself (except mu-law's negative zero)", () => {
    const mu = encodeMulaw(decodeMulaw(ALL_CODES));
    const a = encodeAlaw(decodeAlaw(ALL_CODES));
    expect(Array.from(a)).toEqual(Array.from(ALL_CODES));
    const muDiff = Array.from(ALL_CODES).filter((c) => mu[c] !== c);
    expect(muDiff).toEqual([0x7f]); // -0 decodes to 0, which encodes as +0 (0xff)
  });
});

describe("G.711 against the alawmulaw package", () => {
  it("decodes all 256 codes identically", () => {
    expect(Array.from(decodeMulaw(ALL_CODES))).toEqual(Array.from(mulaw.decode(ALL_CODES)));
    expect(Array.from(decodeAlaw(ALL_CODES))).toEqual(Array.from(alaw.decode(ALL_CODES)));
  });

  it("encodes all 65536 inputs identically for x >= 0, and as ours(x - 1) for x < 0", () => {
    // alawmulaw folds negatives by two's complement (-x), the reference by one's complement (~x):
    // the same quantiser shifted by one LSB on the negative side.
    const theirsMu = mulaw.encode(ALL_INPUTS);
    const theirsA = alaw.encode(ALL_INPUTS);
    const oursMu = encodeMulaw(ALL_INPUTS);
    const oursA = encodeAlaw(ALL_INPUTS);
    let differMu = 0;
    let differA = 0;
    for (let i = 0; i < 65536; i++) {
      const x = ALL_INPUTS[i]!;
      const expectMu = x >= 0 || x === -32768 ? oursMu[i] : oursMu[i - 1];
      const expectA = x >= 0 || x === -32768 ? oursA[i] : oursA[i - 1];
      if ((theirsMu[i]! & 0xff) !== expectMu)
        throw new Error(`mu-law: alawmulaw(${x}) = ${theirsMu[i]}, expected ${expectMu}`);
      if ((theirsA[i]! & 0xff) !== expectA)
        throw new Error(`A-law: alawmulaw(${x}) = ${theirsA[i]}, expected ${expectA}`);
      if ((theirsMu[i]! & 0xff) !== oursMu[i]) differMu++;
      if ((theirsA[i]! & 0xff) !== oursA[i]) differA++;
    }
    // Exactly the 127 negative decision boundaries of each law (128 codes per sign, minus the end).
    expect({ differMu, differA }).toEqual({ differMu: 127, differA: 127 });
  });
});

describe("G.711 buffer API", () => {
  const pcm = Int16Array.from({ length: 160 }, (_, i) => Math.round(8000 * Math.sin(i / 5)));

  it("writes into a caller's buffer at an offset and returns the count", () => {
    const out = new Uint8Array(12 + 160).fill(0xaa);
    expect(encodeMulawInto(pcm, out, 12)).toBe(160);
    expect(out[11]).toBe(0xaa);
    expect(Array.from(out.subarray(12))).toEqual(Array.from(encodeMulaw(pcm)));
    const back = new Int16Array(160);
    expect(decodeMulawInto(out.subarray(12), back)).toBe(160);
    expect(Array.from(back)).toEqual(Array.from(decodeMulaw(encodeMulaw(pcm))));
  });

  it("accepts a Buffer (an RTP payload) as input", () => {
    const payload = Buffer.from(encodeAlaw(pcm));
    const out = new Int16Array(160);
    decodeAlawInto(payload, out);
    expect(Array.from(out)).toEqual(Array.from(decodeAlaw(encodeAlaw(pcm))));
  });

  it("refuses an output that is too small instead of writing past it", () => {
    expect(() => encodeAlawInto(pcm, new Uint8Array(159))).toThrow(RangeError);
    expect(() => decodeMulawInto(new Uint8Array(10), new Int16Array(20), 11)).toThrow(RangeError);
  });

  it("dispatches by law name and knows each law's silence code", () => {
    const mu = new Uint8Array(160);
    const a = new Uint8Array(160);
    g711EncodeInto("pcmu", pcm, mu);
    g711EncodeInto("pcma", pcm, a);
    expect(mu).toEqual(encodeMulaw(pcm));
    expect(a).toEqual(encodeAlaw(pcm));
    const back = new Int16Array(160);
    g711DecodeInto("pcma", a, back);
    expect(back).toEqual(decodeAlaw(a));
    expect(mulawDecodeSample(g711SilenceCode("pcmu"))).toBe(0);
    expect(Math.abs(alawDecodeSample(g711SilenceCode("pcma")))).toBe(8);
  });
});
