import { describe, expect, it } from "vitest";
import { logMelFrames, WhisperLogMel } from "../../../src/audio/whisper-log-mel.js";

/**
 * The features against an independent numpy computation of Hugging Face's
 * WhisperFeatureExtractor (test/unit/audio/whisper-log-mel.reference.py
 * prints these numbers): same test signal, same cells.
 */
const REFERENCE = {
  normalized: {
    shape: [80, 800],
    sum: -2136.916143180315,
    sumSquares: 10682.209141705958,
    max: 1.807658076286316,
    min: -0.19234192371368408,
    cells: [
      [0, 0, 1.5184204578399658],
      [0, 50, -0.013689575716853142],
      [0, 120, -0.018451973795890808],
      [0, 230, -0.024601342156529427],
      [0, 270, 0.7620930075645447],
      [0, 799, -0.02182212844491005],
      [7, 0, 1.5270506143569946],
      [7, 50, -0.19234192371368408],
      [7, 120, -0.19234192371368408],
      [7, 230, -0.19234192371368408],
      [7, 270, 1.019393801689148],
      [7, 799, -0.19234192371368408],
      [15, 0, 0.874855637550354],
      [15, 50, 1.7830393314361572],
      [15, 120, -0.19234192371368408],
      [15, 230, -0.19234192371368408],
      [15, 270, 0.7263834476470947],
      [15, 799, -0.19234192371368408],
      [30, 0, 1.403121829032898],
      [30, 50, 1.331615686416626],
      [30, 120, 1.7581560611724854],
      [30, 230, 1.331617832183838],
      [30, 270, 0.800080418586731],
      [30, 799, -0.19234192371368408],
      [45, 0, 0.7924944162368774],
      [45, 50, -0.19234192371368408],
      [45, 120, -0.19234192371368408],
      [45, 230, 1.6641550064086914],
      [45, 270, 0.8736828565597534],
      [45, 799, -0.19234192371368408],
      [79, 0, 0.3305986821651459],
      [79, 50, -0.19234192371368408],
      [79, 120, -0.19234192371368408],
      [79, 230, -0.19234192371368408],
      [79, 270, 0.9725293517112732],
      [79, 799, -0.19234192371368408],
    ],
  },
  raw: {
    shape: [80, 800],
    sum: -31017.917588412376,
    sumSquares: 25661.214976577125,
    max: 1.3582898378372192,
    min: -0.6417101621627808,
    cells: [
      [0, 0, 1.0692325830459595],
      [0, 50, -0.6417101621627808],
      [0, 120, -0.6417101621627808],
      [0, 230, -0.6417101621627808],
      [0, 270, 0.3159419000148773],
      [0, 799, -0.6417101621627808],
      [7, 0, 1.077682375907898],
      [7, 50, -0.6417101621627808],
      [7, 120, -0.6417101621627808],
      [7, 230, -0.6417101621627808],
      [7, 270, 0.5700255632400513],
      [7, 799, -0.6417101621627808],
      [15, 0, 0.42548730969429016],
      [15, 50, 1.3336710929870605],
      [15, 120, -0.6417101621627808],
      [15, 230, -0.6417101621627808],
      [15, 270, 0.27701520919799805],
      [15, 799, -0.6417101621627808],
      [30, 0, 0.9537535309791565],
      [30, 50, 0.8822473883628845],
      [30, 120, 1.3087878227233887],
      [30, 230, 0.8822495937347412],
      [30, 270, 0.3507121801376343],
      [30, 799, -0.6417101621627808],
      [45, 0, 0.3431261479854584],
      [45, 50, -0.6417101621627808],
      [45, 120, -0.6417101621627808],
      [45, 230, 1.2147867679595947],
      [45, 270, 0.42431455850601196],
      [45, 799, -0.6417101621627808],
      [79, 0, -0.11876936256885529],
      [79, 50, -0.6417101621627808],
      [79, 120, -0.6417101621627808],
      [79, 230, -0.6417101621627808],
      [79, 270, 0.5231610536575317],
      [79, 799, -0.6417101621627808],
    ],
  },
} as const;

/** The reference script's signal: 2.5 s of chirp and tone, then 0.5 s of MINSTD noise. */
function testSignal(): Float32Array {
  const out = new Float32Array(48000);
  for (let i = 0; i < 40000; i++) {
    const t = i / 16000;
    out[i] = 0.3 * Math.sin(2 * Math.PI * (200 * t + 400 * t * t)) + 0.1 * Math.sin(2 * Math.PI * 1234 * t);
  }
  let state = 12345;
  for (let i = 0; i < 8000; i++) {
    state = (48271 * state) % 2147483647; // MINSTD: exact in float64
    out[40000 + i] = (state / 2147483647 - 0.5) * 0.2;
  }
  return out;
}

describe("Whisper log-mel features", () => {
  for (const name of ["normalized", "raw"] as const) {
    it(`match the reference for 8 s (${name})`, () => {
      const want = REFERENCE[name];
      const features = new WhisperLogMel({ seconds: 8, normalize: name === "normalized" }).compute(testSignal());
      expect(features.length).toBe(want.shape[0] * want.shape[1]);
      let sum = 0;
      let squares = 0;
      for (const v of features) {
        sum += v;
        squares += v * v;
      }
      // float32 outputs: sums of 64,000 values agree to a few 1e-4.
      expect(Math.abs(sum - want.sum)).toBeLessThan(2e-3);
      expect(Math.abs(squares - want.sumSquares)).toBeLessThan(2e-3);
      expect(Math.max(...features)).toBeCloseTo(want.max, 5);
      expect(Math.min(...features)).toBeCloseTo(want.min, 5);
      // The reference normalises in float32, we in float64: quiet cells differ by up to ~1e-5.
      for (const [mel, frame, value] of want.cells) expect(features[mel * 800 + frame]).toBeCloseTo(value, 4);
    });
  }

  it("turn silence into the floor everywhere: (log10(1e-10) + 4) / 4 = -1.5", () => {
    for (const normalize of [true, false]) {
      const features = new WhisperLogMel({ seconds: 8, normalize }).compute(new Float32Array(16000));
      expect(new Set(features)).toEqual(new Set([-1.5]));
    }
  });

  it("cut longer audio at the end and pad shorter audio with zeros at the end", () => {
    const extractor = new WhisperLogMel({ seconds: 1, normalize: false });
    const signal = testSignal();
    const cut = extractor.compute(signal);
    expect(cut).toEqual(extractor.compute(signal.subarray(0, 16000)));
    const padded = new Float32Array(16000);
    padded.set(signal.subarray(0, 8000));
    expect(extractor.compute(signal.subarray(0, 8000))).toEqual(extractor.compute(padded));
  });

  it("give 100 frames a second, 80 mels each", () => {
    expect(logMelFrames(8)).toBe(800);
    expect(logMelFrames(30)).toBe(3000);
    expect(new WhisperLogMel({ seconds: 8, normalize: true }).frames).toBe(800);
    expect(() => new WhisperLogMel({ seconds: 0.5, normalize: true })).toThrow(/whole number/);
  });
});
