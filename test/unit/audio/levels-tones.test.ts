import { describe, expect, it } from "vitest";
import { float32ToInt16 } from "../../../src/audio/frame.js";
import {
  SILENCE_FLOOR_DBFS,
  fromDbfs,
  isSilence,
  peak,
  peakDbfs,
  rms,
  rmsDbfs,
  toDbfs,
} from "../../../src/audio/levels.js";
import { DTMF_FREQUENCIES, dtmf, dtmfSequence, silence, sine, tone } from "../../../src/audio/tones.js";
import { ParleyError } from "../../../src/lib/errors.js";

/** Magnitude of one frequency in a block (Goertzel), normalised to a sine's amplitude. */
function amplitudeAt(x: Float32Array, freqHz: number, sampleRate: number): number {
  const w = (2 * Math.PI * freqHz) / sampleRate;
  let re = 0;
  let im = 0;
  for (let i = 0; i < x.length; i++) {
    re += x[i]! * Math.cos(w * i);
    im -= x[i]! * Math.sin(w * i);
  }
  return (2 * Math.hypot(re, im)) / x.length;
}

describe("levels", () => {
  it("measures a sine: RMS = A/sqrt(2), peak = A, in both float and PCM16", () => {
    const x = sine(1000, { sampleRate: 8000, durationMs: 1000, amplitude: 0.5 });
    expect(rms(x)).toBeCloseTo(0.5 / Math.SQRT2, 4);
    expect(peak(x)).toBeCloseTo(0.5, 3);
    expect(rmsDbfs(x)).toBeCloseTo(20 * Math.log10(0.5 / Math.SQRT2), 2);
    expect(peakDbfs(x)).toBeCloseTo(-6.02, 1);
    const pcm = float32ToInt16(x);
    expect(rms(pcm)).toBeCloseTo(rms(x), 4);
    expect(peak(pcm)).toBeCloseTo(peak(x), 4);
  });

  it("measures a sub-range and floors silence at a finite level", () => {
    const x = new Float32Array(200);
    x.fill(0.25, 100);
    expect(rms(x, 100, 200)).toBeCloseTo(0.25, 6);
    expect(rms(x, 0, 100)).toBe(0);
    expect(rms(x, 150, 100)).toBe(0);
    expect(rmsDbfs(new Float32Array(10))).toBe(SILENCE_FLOOR_DBFS);
    expect(toDbfs(0)).toBe(SILENCE_FLOOR_DBFS);
    expect(toDbfs(Number.NaN)).toBe(SILENCE_FLOOR_DBFS);
    expect(fromDbfs(toDbfs(0.1))).toBeCloseTo(0.1, 10);
  });

  it("tells silence from speech-level signal by energy", () => {
    expect(isSilence(silence(8000, 20))).toBe(true);
    expect(isSilence(new Float32Array(0))).toBe(true);
    expect(isSilence(sine(440, { sampleRate: 8000, durationMs: 20, amplitude: 0.001 }))).toBe(true); // about -63 dBFS
    expect(isSilence(sine(440, { sampleRate: 8000, durationMs: 20, amplitude: 0.05 }))).toBe(false); // about -29 dBFS
    expect(isSilence(sine(440, { sampleRate: 8000, durationMs: 20, amplitude: 0.05 }), { thresholdDbfs: -20 })).toBe(
      true,
    );
  });
});

describe("tones", () => {
  it("generates sines of the right length, frequency and phase continuation", () => {
    const x = sine(1000, { sampleRate: 16000, durationMs: 100, amplitude: 0.8 });
    expect(x.length).toBe(1600);
    expect(amplitudeAt(x, 1000, 16000)).toBeCloseTo(0.8, 2);
    const a = sine(300, { sampleRate: 8000, durationMs: 10 });
    const b = sine(300, { sampleRate: 8000, durationMs: 10, phase: (2 * Math.PI * 300 * 80) / 8000 });
    const whole = sine(300, { sampleRate: 8000, durationMs: 20 });
    expect(Math.max(...Array.from(whole.subarray(80), (v, i) => Math.abs(v - b[i]!)))).toBeLessThan(1e-6);
    expect(Array.from(whole.subarray(0, 80))).toEqual(Array.from(a));
    expect(tone([], { sampleRate: 8000, durationMs: 5 }).every((v) => v === 0)).toBe(true);
  });

  it("generates every DTMF key as its two Q.23 frequencies, peaking at the amplitude", () => {
    for (const [key, [low, high]] of Object.entries(DTMF_FREQUENCIES)) {
      const x = dtmf(key, { sampleRate: 8000, durationMs: 100, amplitude: 0.6 });
      expect(amplitudeAt(x, low, 8000)).toBeCloseTo(0.3, 1);
      expect(amplitudeAt(x, high, 8000)).toBeCloseTo(0.3, 1);
      expect(amplitudeAt(x, 1000, 8000)).toBeLessThan(0.02);
      expect(peak(x)).toBeLessThanOrEqual(0.6 + 1e-6);
    }
    expect(dtmf("a", { sampleRate: 8000, durationMs: 10 })).toEqual(dtmf("A", { sampleRate: 8000, durationMs: 10 }));
    expect(() => dtmf("x", { sampleRate: 8000, durationMs: 10 })).toThrow(ParleyError);
  });

  it("strings DTMF keys together with gaps", () => {
    const seq = dtmfSequence("12#", { sampleRate: 8000, toneMs: 50, gapMs: 30 });
    expect(seq.length).toBe(3 * 400 + 2 * 240);
    expect(isSilence(seq.subarray(400, 640))).toBe(true);
    expect(amplitudeAt(seq.subarray(640, 1040), 1336, 8000)).toBeGreaterThan(0.2);
  });
});
