import { describe, expect, it } from "vitest";
import { float32ToInt16 } from "../../../src/audio/frame.js";
import {
  WAV_HEADER_BYTES,
  encodeWav,
  parseWav,
  patchWavHeader,
  readWavHeader,
  wavHeader,
} from "../../../src/audio/wav.js";
import type { WavEncoding } from "../../../src/audio/wav-format.js";
import { ENCODING_FIELDS, buildWav, encodeSamples } from "./wav-builder.js";

const ENCODINGS = Object.keys(ENCODING_FIELDS) as WavEncoding[];

/** A short two-channel test signal: distinct left and right so a downmix is checkable. */
function stereoSignal(frames: number): { left: Float64Array; right: Float64Array } {
  const left = Float64Array.from({ length: frames }, (_, i) => 0.6 * Math.sin(i * 0.07));
  const right = Float64Array.from({ length: frames }, (_, i) => -0.3 * Math.cos(i * 0.31) + 0.1);
  return { left, right };
}

function interleave(a: Float64Array, b: Float64Array): Float64Array {
  const out = new Float64Array(a.length * 2);
  for (let i = 0; i < a.length; i++) {
    out[2 * i] = a[i]!;
    out[2 * i + 1] = b[i]!;
  }
  return out;
}

function maxError(got: Float32Array, want: ArrayLike<number>): number {
  let max = 0;
  for (let i = 0; i < want.length; i++) max = Math.max(max, Math.abs(got[i]! - want[i]!));
  return max;
}

describe("parseWav round trips", () => {
  const layouts = ENCODINGS.flatMap((encoding) =>
    [false, true].flatMap((bigEndian) => [false, true].map((extensible) => ({ encoding, bigEndian, extensible }))),
  );

  it.each(layouts)(
    "$encoding (big-endian: $bigEndian, extensible: $extensible), mono and stereo",
    ({ encoding, bigEndian, extensible }) => {
      const f = ENCODING_FIELDS[encoding];
      const { left, right } = stereoSignal(500);
      for (const channels of [1, 2]) {
        const interleaved = channels === 1 ? left : interleave(left, right);
        const wav = buildWav({
          formatTag: f.formatTag,
          channels,
          sampleRate: 16000,
          bitsPerSample: f.bitsPerSample,
          data: encodeSamples(encoding, interleaved, bigEndian),
          bigEndian,
          ...(extensible ? { extensible: { subFormat: f.formatTag } } : {}),
        });
        const got = parseWav(wav);
        expect(got.format).toBe(encoding);
        expect(got.sampleRate).toBe(16000);
        expect(got.channels).toBe(channels);
        expect(got.samples.length).toBe(500);
        expect(got.durationMs).toBeCloseTo(31.25, 9);
        expect(got.warnings).toEqual([]);
        const want = channels === 1 ? left : left.map((l, i) => (l + right[i]!) / 2);
        expect(maxError(got.samples, want)).toBeLessThanOrEqual(f.tolerance);
      }
    },
  );

  it("decodes 16-bit samples to exactly x / 32768 (as sherpa-onnx and our Int16 conversion do)", () => {
    const pcm = Int16Array.of(-32768, -1, 0, 1, 32767);
    const wav = buildWav({
      formatTag: 1,
      channels: 1,
      sampleRate: 8000,
      bitsPerSample: 16,
      data: new Uint8Array(pcm.buffer),
    });
    expect(Array.from(parseWav(wav).samples)).toEqual(Array.from(pcm, (v) => v / 32768));
  });

  it("decodes 8-bit unsigned and 24-bit extremes", () => {
    const u8 = buildWav({
      formatTag: 1,
      channels: 1,
      sampleRate: 8000,
      bitsPerSample: 8,
      data: Uint8Array.of(0, 128, 255),
    });
    expect(Array.from(parseWav(u8).samples)).toEqual([-1, 0, 127 / 128]);
    const s24 = buildWav({
      formatTag: 1,
      channels: 1,
      sampleRate: 8000,
      bitsPerSample: 24,
      data: Uint8Array.of(0, 0, 0x80, 0xff, 0xff, 0x7f),
    });
    expect(Array.from(parseWav(s24).samples)).toEqual([-1, 8388607 / 8388608]);
  });

  it("reads 20-bit audio in 3-byte slots and extensible files with fewer valid bits", () => {
    const data = encodeSamples("pcm_s24", Float64Array.of(0.5, -0.25));
    const twenty = buildWav({ formatTag: 1, channels: 1, sampleRate: 8000, bitsPerSample: 20, blockAlign: 3, data });
    expect(Array.from(parseWav(twenty).samples)).toEqual([0.5, -0.25]);
    const ext = buildWav({
      formatTag: 1,
      channels: 1,
      sampleRate: 8000,
      bitsPerSample: 24,
      data,
      extensible: { subFormat: 1, validBits: 20 },
    });
    expect(parseWav(ext).format).toBe("pcm_s24");
  });

  it("skips LIST, fact and unknown chunks, with odd sizes padded or not", () => {
    const data = encodeSamples("pcm_s16", Float64Array.of(0.5, -0.5, 0.25));
    const wav = buildWav({
      formatTag: 1,
      channels: 1,
      sampleRate: 8000,
      bitsPerSample: 16,
      data,
      before: [{ id: "JUNK", body: new Uint8Array(28) }],
      between: [
        { id: "LIST", body: Buffer.from("INFOISFT\x05\x00\x00\x00sox!\x00") }, // odd: padded
        { id: "fact", body: Uint8Array.of(3, 0, 0, 0) },
        { id: "xtra", body: Uint8Array.of(1, 2, 3), noPad: true }, // odd: pad byte missing
      ],
      after: [{ id: "LIST", body: new Uint8Array(10) }],
    });
    const got = parseWav(wav);
    expect(Array.from(got.samples)).toEqual([0.5, -0.5, 0.25]);
    expect(got.warnings).toEqual([expect.stringMatching(/odd size and no pad byte/)]);
  });

  it("accepts fmt chunks with cbSize extras and the extreme supported rates", () => {
    for (const sampleRate of [4000, 11025, 192000]) {
      const wav = buildWav({
        formatTag: 1,
        channels: 1,
        sampleRate,
        bitsPerSample: 16,
        data: new Uint8Array(4),
        fmtExtra: Uint8Array.of(0, 0),
      });
      expect(parseWav(wav).sampleRate).toBe(sampleRate);
    }
  });

  it("reads the header alone, without decoding", () => {
    const wav = buildWav({
      formatTag: 7,
      channels: 2,
      sampleRate: 8000,
      bitsPerSample: 8,
      data: new Uint8Array(1600),
      between: [{ id: "fact", body: new Uint8Array(4) }],
    });
    const h = readWavHeader(wav);
    expect(h).toMatchObject({
      encoding: "mulaw",
      channels: 2,
      sampleRate: 8000,
      blockAlign: 2,
      frames: 800,
      durationMs: 100,
      dataBytes: 1600,
      bigEndian: false,
      extensible: false,
    });
    expect(h.dataOffset).toBe(wav.length - 1600);
  });

  it("accepts a Buffer that is a slice of a larger pool (non-zero byteOffset)", () => {
    const wav = buildWav({
      formatTag: 1,
      channels: 1,
      sampleRate: 8000,
      bitsPerSample: 16,
      data: Uint8Array.of(0, 0x40),
    });
    const pool = Buffer.concat([Buffer.alloc(13, 0xee), wav, Buffer.alloc(5, 0xee)]);
    expect(Array.from(parseWav(pool.subarray(13, 13 + wav.length)).samples)).toEqual([0.5]);
  });
});

describe("encodeWav and wavHeader", () => {
  it("writes mono PCM16 that parseWav reads back exactly", () => {
    const pcm = Int16Array.from({ length: 321 }, (_, i) => ((i * 997) % 65536) - 32768);
    const wav = encodeWav({ channels: [pcm], sampleRate: 8000 });
    expect(wav.length).toBe(WAV_HEADER_BYTES + 642);
    expect(wav.subarray(0, 4).toString("latin1")).toBe("RIFF");
    expect(wav.readUInt32LE(4)).toBe(wav.length - 8);
    const back = parseWav(wav);
    expect(back.warnings).toEqual([]);
    expect(Array.from(float32ToInt16(back.samples))).toEqual(Array.from(pcm));
  });

  it("writes stereo (caller left, agent right) interleaved, padding the shorter side", () => {
    const caller = Int16Array.of(100, 200, 300);
    const agent = Int16Array.of(-100, -200);
    const wav = encodeWav({ channels: [caller, agent], sampleRate: 16000 });
    const h = readWavHeader(wav);
    expect(h).toMatchObject({ channels: 2, frames: 3, blockAlign: 4 });
    const data = new Int16Array(wav.buffer.slice(wav.byteOffset + WAV_HEADER_BYTES, wav.byteOffset + wav.length));
    expect(Array.from(data)).toEqual([100, -100, 200, -200, 300, 0]);
    expect(Array.from(parseWav(wav).samples)).toEqual([0, 0, 150 / 32768]);
  });

  it("accepts float channels, clamping out-of-range values", () => {
    const wav = encodeWav({ channels: [Float32Array.of(0.5, 2, -2)], sampleRate: 8000 });
    expect(Array.from(float32ToInt16(parseWav(wav).samples))).toEqual([16384, 32767, -32768]);
  });

  it("refuses more than two channels or a bad rate", () => {
    const c = new Int16Array(1);
    expect(() => encodeWav({ channels: [c, c, c], sampleRate: 8000 })).toThrow(/mono or stereo/);
    expect(() => encodeWav({ channels: [], sampleRate: 8000 })).toThrow(/mono or stereo/);
    expect(() => encodeWav({ channels: [c], sampleRate: 0 })).toThrow(/sample rate/);
  });

  it("supports a streaming writer: header first, samples appended, sizes patched at the end", () => {
    const header = wavHeader({ sampleRate: 8000, channels: 1 });
    const body = Buffer.from(new Int16Array([1000, -1000, 2000]).buffer);
    // Before patching (the writer died): read as "to the end", with a warning.
    const unpatched = parseWav(Buffer.concat([header, body]));
    expect(unpatched.samples.length).toBe(3);
    expect(unpatched.warnings).toEqual([expect.stringMatching(/size unknown/)]);
    patchWavHeader(header, body.length);
    const file = Buffer.concat([header, body]);
    expect(file).toEqual(encodeWav({ channels: [Int16Array.of(1000, -1000, 2000)], sampleRate: 8000 }));
    expect(parseWav(file).warnings).toEqual([]);
    expect(() => patchWavHeader(header, 2 ** 32)).toThrow(/does not fit/);
  });
});
