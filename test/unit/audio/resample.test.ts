import { describe, expect, it } from "vitest";
import { concatFloat32 } from "../../../src/audio/frame.js";
import { rms, toDbfs } from "../../../src/audio/levels.js";
import { type ResampleQuality, Resampler, resample } from "../../../src/audio/resample.js";
import { sine } from "../../../src/audio/tones.js";
import { ParleyError } from "../../../src/lib/errors.js";

const QUALITIES: ResampleQuality[] = ["low", "medium", "high"];

/** Streams one second of a tone through in 20 ms chunks; returns the output gain in dB (steady state). */
function toneGainDb(from: number, to: number, freqHz: number, quality: ResampleQuality = "medium"): number {
  const input = sine(freqHz, { sampleRate: from, durationMs: 1000, amplitude: 0.5 });
  const r = new Resampler(from, to, { quality });
  const chunk = Math.round(from / 50);
  const parts: Float32Array[] = [];
  for (let at = 0; at < input.length; at += chunk) parts.push(r.process(input.subarray(at, at + chunk)));
  const out = concatFloat32(parts);
  // Skip the filter's ramp-in (delay) and stay clear of the end.
  const start = r.delaySamples * 2 + Math.round(to / 20);
  const end = out.length - Math.round(to / 20);
  return toDbfs(rms(out, start, end)) - toDbfs(rms(input));
}

describe("Resampler frequency response", () => {
  it("16k -> 8k passes 1 kHz within 0.5 dB and attenuates 5 kHz by at least 40 dB, at every quality", () => {
    for (const q of QUALITIES) {
      expect(Math.abs(toneGainDb(16000, 8000, 1000, q)), q).toBeLessThan(0.5);
      expect(toneGainDb(16000, 8000, 5000, q), q).toBeLessThan(-40);
    }
    // The default is designed for 80 dB; keep that from regressing unnoticed.
    expect(toneGainDb(16000, 8000, 5000)).toBeLessThan(-75);
  });

  const ratios: Array<[number, number]> = [
    [8000, 16000],
    [16000, 8000],
    [22050, 8000],
    [24000, 8000],
    [44100, 16000],
    [48000, 16000],
    [8000, 22050],
    [8000, 24000],
    [11025, 16000],
    [16000, 16001], // 16001 phases: the interpolated-table path
  ];

  it.each(ratios)("%i -> %i keeps the voice band flat (300 Hz..3 kHz within 0.5 dB)", (from, to) => {
    for (const f of [300, 1000, 3000]) expect(Math.abs(toneGainDb(from, to, f)), `${f} Hz`).toBeLessThan(0.5);
  });

  it.each(ratios.filter(([from, to]) => from > to))(
    "%i -> %i rejects tones above the output Nyquist (no aliasing)",
    (from, to) => {
      const nyquist = to / 2;
      for (const f of [nyquist * 1.1, nyquist * 1.25, Math.min(nyquist * 2.5, from / 2 - 100)]) {
        expect(toneGainDb(from, to, f), `${f} Hz`).toBeLessThan(-60);
      }
    },
  );

  it.each(ratios.filter(([from, to]) => from < to))(
    "%i -> %i leaves no images: output matches the ideal tone",
    (from, to) => {
      for (const f of [1000, 3000]) {
        const out = resample(sine(f, { sampleRate: from, durationMs: 500, amplitude: 0.5 }), from, to);
        const ideal = sine(f, { sampleRate: to, durationMs: 500, amplitude: 0.5 });
        const err = out.map((v, i) => v - ideal[i]!);
        const margin = Math.round(to / 20);
        expect(toDbfs(rms(err, margin, err.length - margin)) - toDbfs(rms(ideal)), `${f} Hz`).toBeLessThan(-55);
      }
    },
  );

  it("keeps DC exactly flat (every phase has unit gain)", () => {
    for (const [from, to] of [
      [8000, 22050],
      [22050, 8000],
      [8000, 16000],
      [16000, 16001],
    ] as const) {
      const out = new Resampler(from, to).process(new Float32Array(from / 10).fill(0.5));
      const steady = out.subarray(out.length / 2);
      for (const v of steady) expect(Math.abs(v - 0.5)).toBeLessThan(1e-5);
    }
  });
});

describe("Resampler streaming", () => {
  it.each([
    [8000, 16000],
    [16000, 8000],
    [22050, 8000],
    [8000, 22050],
    [44100, 16000],
    [16000, 16001],
  ])("%i -> %i: many small chunks give the same samples as one call", (from, to) => {
    const input = new Float32Array(from / 2).map((_, i) => Math.sin(i * 0.05) * 0.4 + Math.sin(i * 1.3) * 0.1);
    const whole = new Resampler(from, to);
    const expected = concatFloat32([whole.process(input), whole.flush()]);
    const chunked = new Resampler(from, to);
    const parts: Float32Array[] = [];
    let seed = 7;
    for (let at = 0; at < input.length;) {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      const size = seed % 400; // includes empty and one-sample chunks
      parts.push(chunked.process(input.subarray(at, at + size)));
      at += size;
    }
    parts.push(chunked.flush());
    const got = concatFloat32(parts);
    expect(got.length).toBe(expected.length);
    let maxDiff = 0;
    for (let i = 0; i < got.length; i++) maxDiff = Math.max(maxDiff, Math.abs(got[i]! - expected[i]!));
    expect(maxDiff).toBeLessThan(1e-6);
  });

  it("predicts output sizes exactly and writes into a caller's buffer", () => {
    const r = new Resampler(22050, 8000);
    const ref = new Resampler(22050, 8000);
    const out = new Float32Array(1000);
    for (const size of [441, 1, 0, 1000, 17, 882]) {
      const chunk = new Float32Array(size).fill(0.1);
      const n = r.outputLength(size);
      expect(r.processInto(chunk, out, 3)).toBe(n);
      expect(Array.from(out.subarray(3, 3 + n))).toEqual(Array.from(ref.process(chunk)));
    }
    expect(() => r.processInto(new Float32Array(4410), new Float32Array(10))).toThrow(RangeError);
  });

  it("produces ceil(n * to / from) samples over a stream once flushed (plus the delay)", () => {
    for (const [from, to, n] of [
      [8000, 16000, 1234],
      [16000, 8000, 1235],
      [22050, 8000, 5000],
      [24000, 8000, 2400],
    ] as const) {
      const r = new Resampler(from, to);
      const total = r.process(new Float32Array(n)).length + r.flush().length;
      expect(total).toBeGreaterThanOrEqual(Math.ceil((n * to) / from) + r.delaySamples);
    }
  });

  it("flush resets the stream, so it can be reused", () => {
    const input = sine(700, { sampleRate: 8000, durationMs: 100 });
    const r = new Resampler(8000, 16000);
    const first = concatFloat32([r.process(input), r.flush()]);
    const second = concatFloat32([r.process(input), r.flush()]);
    expect(second).toEqual(first);
  });

  it("passes equal rates through untouched with no delay", () => {
    const r = new Resampler(16000, 16000);
    const x = Float32Array.of(0.1, -0.2, 0.3);
    expect(r.process(x)).toEqual(x);
    expect(r.flush().length).toBe(0);
    expect(r.delaySamples).toBe(0);
  });

  it("rejects impossible rates with a typed error", () => {
    expect(() => new Resampler(0, 8000)).toThrow(ParleyError);
    expect(() => new Resampler(8000, 44100.5)).toThrow(ParleyError);
    expect(() => new Resampler(8000, 10_000_000)).toThrow(ParleyError);
    expect(() => new Resampler(8000, 16000, { quality: "ultra" as never })).toThrow(/unknown resample quality/);
  });
});

describe("Resampler delay", () => {
  it.each([
    [8000, 16000, 100],
    [16000, 8000, 200],
    [22050, 8000, 441],
    [8000, 22050, 160],
    [24000, 8000, 300],
  ])("%i -> %i: an impulse comes out delaySamples after its input time", (from, to, at) => {
    for (const quality of QUALITIES) {
      const r = new Resampler(from, to, { quality });
      const x = new Float32Array(at * 4);
      x[at] = 1;
      const out = concatFloat32([r.process(x), r.flush()]);
      let peakAt = 0;
      for (let i = 1; i < out.length; i++) if (Math.abs(out[i]!) > Math.abs(out[peakAt]!)) peakAt = i;
      expect(peakAt).toBe((at * to) / from + r.delaySamples);
      expect(r.delayMs).toBeCloseTo((r.delaySamples * 1000) / to, 9);
    }
  });

  it("keeps the live path's delay small (8k <-> 16k at the default quality)", () => {
    expect(new Resampler(8000, 16000).delayMs).toBeLessThan(8);
    expect(new Resampler(16000, 8000).delayMs).toBeLessThan(8);
  });

  it("one-shot resample() removes the delay: output lines up with the input", () => {
    const x = sine(440, { sampleRate: 22050, durationMs: 300, amplitude: 0.5 });
    const y = resample(x, 22050, 8000);
    expect(y.length).toBe(Math.ceil((x.length * 8000) / 22050));
    const ideal = sine(440, { sampleRate: 8000, durationMs: 300, amplitude: 0.5 });
    const err = y.map((v, i) => v - (ideal[i] ?? 0));
    expect(rms(err, 400, 2000)).toBeLessThan(1e-3);
    expect(resample(x, 22050, 22050)).toEqual(x);
    expect(resample(new Float32Array(0), 8000, 16000).length).toBe(0);
  });
});
