/**
 * Signal levels: RMS, peak, dBFS and a plain energy gate for silence.
 *
 * Full scale is 1.0 for float and 32768 for PCM16, and dBFS is 20*log10 of
 * the amplitude against that (so a full-scale sine reads -3.01 dBFS RMS).
 * Levels are floored at -200 dBFS rather than -Infinity so they survive JSON
 * (metrics, events) as numbers.
 */

/** Samples as float in [-1, 1] or PCM16. */
export type Samples = Float32Array | Int16Array;

/** The level reported for digital silence. */
export const SILENCE_FLOOR_DBFS = -200;

function fullScale(samples: Samples): number {
  return samples instanceof Int16Array ? 32768 : 1;
}

/** Root-mean-square amplitude relative to full scale, over [start, end). */
export function rms(samples: Samples, start = 0, end = samples.length): number {
  const s = Math.max(0, start);
  const e = Math.min(samples.length, end);
  if (e <= s) return 0;
  let sum = 0;
  for (let i = s; i < e; i++) {
    const v = samples[i]!;
    sum += v * v;
  }
  return Math.sqrt(sum / (e - s)) / fullScale(samples);
}

/** Largest absolute amplitude relative to full scale, over [start, end). */
export function peak(samples: Samples, start = 0, end = samples.length): number {
  let max = 0;
  const e = Math.min(samples.length, end);
  for (let i = Math.max(0, start); i < e; i++) {
    const v = Math.abs(samples[i]!);
    if (v > max) max = v;
  }
  return max / fullScale(samples);
}

/** Converts a linear amplitude (1.0 = full scale) to dBFS, floored at SILENCE_FLOOR_DBFS. */
export function toDbfs(amplitude: number): number {
  if (!(amplitude > 0)) return SILENCE_FLOOR_DBFS;
  return Math.max(SILENCE_FLOOR_DBFS, 20 * Math.log10(amplitude));
}

/** Converts dBFS to a linear amplitude. */
export function fromDbfs(dbfs: number): number {
  return 10 ** (dbfs / 20);
}

/** RMS level in dBFS over [start, end). */
export function rmsDbfs(samples: Samples, start = 0, end = samples.length): number {
  return toDbfs(rms(samples, start, end));
}

/** Peak level in dBFS over [start, end). */
export function peakDbfs(samples: Samples, start = 0, end = samples.length): number {
  return toDbfs(peak(samples, start, end));
}

export interface SilenceOptions {
  /** RMS level below which a block counts as silence; -50 dBFS unless told (G.711 idle noise is near -70). */
  thresholdDbfs?: number;
}

/** True when the RMS energy of the samples is below the threshold (an empty block is silent). */
export function isSilence(samples: Samples, options: SilenceOptions = {}): boolean {
  return rmsDbfs(samples) < (options.thresholdDbfs ?? -50);
}
