import { describe, expect, it } from "vitest";
import { encodeWav, frameRanges, parseWav, readWavHeader, silenceWavSpans } from "../../../src/audio/index.js";
import { ParleyError } from "../../../src/lib/errors.js";
import { buildWav } from "./wav-builder.js";

/** A stereo 8 kHz recording: left a ramp 1..n, right the negated ramp. */
function recording(seconds: number): Buffer {
  const n = 8000 * seconds;
  const left = new Int16Array(n).map((_, i) => (i % 30000) + 1);
  const right = left.map((v) => -v);
  return encodeWav({ channels: [left, right], sampleRate: 8000 });
}

function samples(wav: Uint8Array, channel: number): Int16Array {
  const h = readWavHeader(wav);
  const view = new DataView(wav.buffer, wav.byteOffset + h.dataOffset, h.dataBytes);
  return new Int16Array(h.frames).map((_, f) => view.getInt16(f * h.blockAlign + channel * 2, true));
}

describe("silencing stretches of a recording", () => {
  it("zeroes exactly the marked sample frames on both channels and nothing else", () => {
    const wav = recording(3);
    const { bytes, silencedMs } = silenceWavSpans(wav, [{ startMs: 1000, endMs: 1500 }]);
    expect(silencedMs).toBe(500);
    expect(bytes.length).toBe(wav.length);
    for (const ch of [0, 1]) {
      const s = samples(bytes, ch);
      const orig = samples(wav, ch);
      expect(s.subarray(8000, 12000).every((v) => v === 0)).toBe(true);
      expect(s.subarray(0, 8000)).toEqual(orig.subarray(0, 8000));
      expect(s.subarray(12000)).toEqual(orig.subarray(12000));
    }
    // The input is untouched.
    expect(samples(wav, 0)[9000]).toBe(9001);
  });

  it("silences only the channels asked for (the caller, left)", () => {
    const { bytes } = silenceWavSpans(recording(1), [{ startMs: 0, endMs: 100 }], { channels: [0] });
    expect(
      samples(bytes, 0)
        .subarray(0, 800)
        .every((v) => v === 0),
    ).toBe(true);
    expect(samples(bytes, 1)[10]).toBe(-11);
  });

  it("merges overlapping spans, clamps to the end, rounds outward to whole samples", () => {
    expect(
      frameRanges(
        [
          { startMs: 10, endMs: 20 },
          { startMs: 15, endMs: 30 },
          { startMs: 900, endMs: 5000 },
        ],
        8000,
        8000,
      ),
    ).toEqual([
      { from: 80, to: 240 },
      { from: 7200, to: 8000 },
    ]);
    expect(frameRanges([{ startMs: 0.01, endMs: 0.2 }], 8000, 100)).toEqual([{ from: 0, to: 2 }]);
    const { silencedMs } = silenceWavSpans(recording(1), [{ startMs: 500, endMs: 60_000 }]);
    expect(silencedMs).toBe(500);
  });

  it("writes each encoding's own silence: 0xFF for mu-law, 0xD5 for A-law, 128 for 8-bit PCM", () => {
    for (const [formatTag, bitsPerSample, zero] of [
      [7, 8, 0xff],
      [6, 8, 0xd5],
      [1, 8, 128],
    ] as const) {
      const file = buildWav({
        formatTag,
        channels: 1,
        sampleRate: 8000,
        bitsPerSample,
        data: new Uint8Array(800).fill(0x10),
      });
      const { bytes } = silenceWavSpans(file, [{ startMs: 0, endMs: 50 }]);
      const data = bytes.subarray(readWavHeader(bytes).dataOffset);
      expect(
        [...data.subarray(0, 400)].every((b) => b === zero),
        `format ${formatTag}`,
      ).toBe(true);
      expect(data[400]).toBe(0x10);
      expect(
        parseWav(bytes)
          .samples.subarray(0, 400)
          .every((v) => Math.abs(v) < 0.001),
      ).toBe(true);
    }
  });

  it("rejects spans and channels that make no sense, naming them", () => {
    const wav = recording(1);
    expect(() => silenceWavSpans(wav, [{ startMs: 500, endMs: 100 }])).toThrow(/span 0 \(500\.\.100 ms\)/);
    expect(() => silenceWavSpans(wav, [{ startMs: -1, endMs: 100 }])).toThrow(ParleyError);
    expect(() => silenceWavSpans(wav, [{ startMs: 0, endMs: 100 }], { channels: [2] })).toThrow(
      /channel 2 does not exist; the file has 2/,
    );
    expect(() => silenceWavSpans(Buffer.from("not a wav at all, clearly"), [])).toThrow(/invalid WAV/);
  });
});
