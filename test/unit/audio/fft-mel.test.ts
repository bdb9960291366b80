import { describe, expect, it } from "vitest";
import { Fft, RealPowerSpectrum } from "../../../src/audio/fft.js";
import { hzToMelSlaney, melFilterbank, melToHzSlaney, periodicHann } from "../../../src/audio/mel.js";

/** The textbook O(n²) DFT, the yardstick for the FFT. */
function dft(re: Float64Array, im: Float64Array): { re: Float64Array; im: Float64Array } {
  const n = re.length;
  const outRe = new Float64Array(n);
  const outIm = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    for (let t = 0; t < n; t++) {
      const a = (-2 * Math.PI * k * t) / n;
      outRe[k]! += re[t]! * Math.cos(a) - im[t]! * Math.sin(a);
      outIm[k]! += re[t]! * Math.sin(a) + im[t]! * Math.cos(a);
    }
  }
  return { re: outRe, im: outIm };
}

function randomSignal(n: number, seed: number): Float64Array {
  const x = new Float64Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (1103515245 * s + 12345) % 2 ** 31;
    x[i] = s / 2 ** 31 - 0.5;
  }
  return x;
}

describe("FFT", () => {
  it.each([1, 2, 3, 4, 7, 8, 12, 30, 64, 400])("matches the direct DFT for size %i", (n) => {
    const re = randomSignal(n, n);
    const im = randomSignal(n, n + 99);
    const want = dft(re, im);
    const outRe = new Float64Array(n);
    const outIm = new Float64Array(n);
    new Fft(n).transform(re, im, outRe, outIm);
    for (let k = 0; k < n; k++) {
      expect(outRe[k]).toBeCloseTo(want.re[k]!, 9);
      expect(outIm[k]).toBeCloseTo(want.im[k]!, 9);
    }
  });

  it("puts a cosine at bin 5 of 400 into bins 5 and 395 with amplitude n/2", () => {
    const n = 400;
    const re = Float64Array.from({ length: n }, (_, t) => Math.cos((2 * Math.PI * 5 * t) / n));
    const outRe = new Float64Array(n);
    const outIm = new Float64Array(n);
    new Fft(n).transform(re, new Float64Array(n), outRe, outIm);
    expect(outRe[5]).toBeCloseTo(200, 9);
    expect(outRe[395]).toBeCloseTo(200, 9);
    const rest = [...outRe].map((v, k) => (k === 5 || k === 395 ? 0 : Math.abs(v) + Math.abs(outIm[k]!)));
    expect(Math.max(...rest)).toBeLessThan(1e-9);
  });

  it("leaves its inputs alone and rejects short buffers", () => {
    const re = randomSignal(8, 1);
    const copy = Float64Array.from(re);
    new Fft(8).transform(re, new Float64Array(8), new Float64Array(8), new Float64Array(8));
    expect(re).toEqual(copy);
    expect(() => new Fft(8).transform(re, new Float64Array(4), new Float64Array(8), new Float64Array(8))).toThrow(
      /at least 8/,
    );
    expect(() => new Fft(0)).toThrow(RangeError);
  });

  it("gives the power spectra of two real frames from one complex transform", () => {
    const n = 400;
    const a = randomSignal(n, 3);
    const b = randomSignal(n, 4);
    const spectrum = new RealPowerSpectrum(n);
    const pa = new Float64Array(spectrum.bins);
    const pb = new Float64Array(spectrum.bins);
    spectrum.pair(a, b, pa, pb);
    const single = new Float64Array(spectrum.bins);
    spectrum.pair(b, null, single, null);
    const da = dft(a, new Float64Array(n));
    const db = dft(b, new Float64Array(n));
    expect(spectrum.bins).toBe(201);
    for (let k = 0; k < spectrum.bins; k++) {
      expect(pa[k]).toBeCloseTo(da.re[k]! ** 2 + da.im[k]! ** 2, 8);
      expect(pb[k]).toBeCloseTo(db.re[k]! ** 2 + db.im[k]! ** 2, 8);
      expect(single[k]).toBeCloseTo(pb[k]!, 8);
    }
  });
});

describe("slaney mel scale and filterbank", () => {
  it("is linear to 1 kHz (15 mels there) and logarithmic above, 27 mels per factor 6.4", () => {
    expect(hzToMelSlaney(0)).toBe(0);
    expect(hzToMelSlaney(200)).toBeCloseTo(3, 12);
    expect(hzToMelSlaney(1000)).toBeCloseTo(15, 12);
    expect(hzToMelSlaney(6400)).toBeCloseTo(42, 12);
    for (const hz of [50, 999, 1000, 4321, 8000]) expect(melToHzSlaney(hzToMelSlaney(hz))).toBeCloseTo(hz, 9);
  });

  // Values from test/unit/audio/whisper-log-mel.reference.py (numpy, transformers' mel_filter_bank math).
  it("matches the reference filterbank (80 filters over 201 bins, 0-8 kHz, slaney area)", () => {
    const fb = melFilterbank({ bins: 201, filters: 80, sampleRate: 16000 });
    expect(fb.length).toBe(80 * 201);
    expect(fb.reduce((s, v) => s + v, 0)).toBeCloseTo(1.9990241029178577, 10);
    const cells: [number, number, number][] = [
      [1, 0, 0.024862593984176087],
      [2, 1, 0.022871772096078023],
      [14, 10, 0],
      [46, 30, 0],
      [94, 50, 0],
      [190, 79, 0.0022320550527126157],
    ];
    for (const [bin, mel, value] of cells) expect(fb[mel * 201 + bin]).toBeCloseTo(value, 12);
    expect(Math.min(...fb)).toBeGreaterThanOrEqual(0);
  });

  it("makes a periodic Hann window (zero at 0, one in the middle, not symmetric at the end)", () => {
    const w = periodicHann(400);
    expect(w[0]).toBe(0);
    expect(w[200]).toBeCloseTo(1, 12);
    expect(w[100]).toBeCloseTo(0.5, 12);
    expect(w[399]).toBeCloseTo(0.5 - 0.5 * Math.cos((2 * Math.PI * 399) / 400), 12);
  });
});
