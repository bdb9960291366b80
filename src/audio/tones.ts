/**
 * Test and signalling tones: sines, sums of sines, silence, DTMF digits.
 * Used by tests (known input for the resampler, levels, VAD) and later by
 * the beep detector and comfort-noise paths. Output is float in [-1, 1].
 */
import { ParleyError } from "../lib/errors.js";
import { concatFloat32, msToSamples } from "./frame.js";

export interface ToneOptions {
  sampleRate: number;
  durationMs: number;
  /** Peak amplitude of the whole tone (1.0 = full scale); 0.5 unless told. */
  amplitude?: number;
  /** Starting phase in radians, for continuing a tone across calls. */
  phase?: number;
}

/** A sine wave at `freqHz`. */
export function sine(freqHz: number, options: ToneOptions): Float32Array {
  return tone([freqHz], options);
}

/** The sum of equal-amplitude sines, scaled so the sum peaks at `amplitude`. */
export function tone(freqsHz: readonly number[], options: ToneOptions): Float32Array {
  const n = msToSamples(options.durationMs, options.sampleRate);
  const out = new Float32Array(n);
  if (freqsHz.length === 0) return out;
  const each = (options.amplitude ?? 0.5) / freqsHz.length;
  const phase = options.phase ?? 0;
  for (const f of freqsHz) {
    const w = (2 * Math.PI * f) / options.sampleRate;
    for (let i = 0; i < n; i++) out[i] = out[i]! + each * Math.sin(w * i + phase);
  }
  return out;
}

/** `durationMs` of digital silence. */
export function silence(sampleRate: number, durationMs: number): Float32Array {
  return new Float32Array(msToSamples(durationMs, sampleRate));
}

/** DTMF (low, high) frequencies in Hz per key, as in ITU-T Q.23. */
export const DTMF_FREQUENCIES: Readonly<Record<string, readonly [number, number]>> = {
  "1": [697, 1209],
  "2": [697, 1336],
  "3": [697, 1477],
  A: [697, 1633],
  "4": [770, 1209],
  "5": [770, 1336],
  "6": [770, 1477],
  B: [770, 1633],
  "7": [852, 1209],
  "8": [852, 1336],
  "9": [852, 1477],
  C: [852, 1633],
  "*": [941, 1209],
  "0": [941, 1336],
  "#": [941, 1477],
  D: [941, 1633],
};

/** The dual tone for one DTMF key (0-9, *, #, A-D). */
export function dtmf(digit: string, options: ToneOptions): Float32Array {
  const pair = DTMF_FREQUENCIES[digit.toUpperCase()];
  if (pair === undefined)
    throw new ParleyError("audio_invalid", `not a DTMF key: ${JSON.stringify(digit)}`, { status: 400 });
  return tone(pair, options);
}

export interface DtmfSequenceOptions {
  sampleRate: number;
  /** Tone length per key; 100 ms unless told (Q.24 asks for at least 40). */
  toneMs?: number;
  /** Silence between keys; 100 ms unless told. */
  gapMs?: number;
  amplitude?: number;
}

/** A run of DTMF keys separated by silence, e.g. "1234#". */
export function dtmfSequence(digits: string, options: DtmfSequenceOptions): Float32Array {
  const toneMs = options.toneMs ?? 100;
  const gap = silence(options.sampleRate, options.gapMs ?? 100);
  const parts: Float32Array[] = [];
  for (const d of digits) {
    if (parts.length > 0) parts.push(gap);
    parts.push(dtmf(d, { sampleRate: options.sampleRate, durationMs: toneMs, amplitude: options.amplitude ?? 0.5 }));
  }
  return concatFloat32(parts);
}
