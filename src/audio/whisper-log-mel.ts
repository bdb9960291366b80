/**
 * Whisper's log-mel features, as Hugging Face's WhisperFeatureExtractor
 * computes them (and as Smart Turn was trained on them, with
 * `chunk_length=8`, `do_normalize=True`):
 *
 *  1. the audio is cut or zero-padded at the end to exactly `seconds`;
 *  2. normalised to zero mean and unit variance (over the whole padded
 *     buffer, epsilon 1e-7);
 *  3. STFT: n_fft 400, hop 160, periodic Hann window, centred frames
 *     (reflect-padded by 200 samples each side), power spectrum;
 *  4. 80 slaney mel filters, 0 to 8 kHz; floor 1e-10, log10;
 *  5. the last frame is dropped (Whisper's 3,000 frames per 30 s: 800 for 8 s);
 *  6. values below (max - 8) are raised to it, then (x + 4) / 4.
 *
 * Output: a [80][frames] row-major Float32Array (mel-major, as the models
 * take `input_features` [batch, 80, frames]).
 */
import { melFilterbank, periodicHann } from "./mel.js";
import { RealPowerSpectrum } from "./fft.js";

export const WHISPER_SAMPLE_RATE = 16000;
export const WHISPER_N_FFT = 400;
export const WHISPER_HOP = 160;
export const WHISPER_MELS = 80;
const MEL_FLOOR = 1e-10;
const NORM_EPSILON = 1e-7;
/** Dynamic range kept below the loudest value, in log10 units (80 dB). */
const DYNAMIC_RANGE = 8;

export interface LogMelOptions {
  /** Length the audio is cut or padded to (Whisper: 30, Smart Turn: 8). */
  seconds: number;
  /** Zero-mean unit-variance normalisation of the waveform first (Smart Turn: true). */
  normalize: boolean;
}

/** Frames of features for `seconds` of audio: 100 per second. */
export function logMelFrames(seconds: number): number {
  return (seconds * WHISPER_SAMPLE_RATE) / WHISPER_HOP;
}

/**
 * Computes the features of 16 kHz mono audio. One extractor keeps its
 * window, filterbank and FFT plan, so reuse it across calls.
 */
export class WhisperLogMel {
  private readonly window = periodicHann(WHISPER_N_FFT);
  private readonly filters = sparseRows(
    melFilterbank({ bins: WHISPER_N_FFT / 2 + 1, filters: WHISPER_MELS, sampleRate: WHISPER_SAMPLE_RATE }),
    WHISPER_N_FFT / 2 + 1,
  );
  private readonly spectrum = new RealPowerSpectrum(WHISPER_N_FFT);
  readonly samples: number;
  readonly frames: number;

  constructor(readonly options: LogMelOptions) {
    if (!Number.isInteger(options.seconds) || options.seconds < 1)
      throw new RangeError(`seconds must be a whole number of seconds, got ${options.seconds}`);
    this.samples = options.seconds * WHISPER_SAMPLE_RATE;
    this.frames = logMelFrames(options.seconds);
  }

  /** The features of `audio` (16 kHz); longer audio is cut at the end, shorter is zero-padded at the end. */
  compute(audio: Float32Array): Float32Array {
    const x = this.prepare(audio);
    const bins = WHISPER_N_FFT / 2 + 1;
    const half = WHISPER_N_FFT / 2;
    const logMel = new Float64Array(WHISPER_MELS * this.frames);
    const frameA = new Float64Array(WHISPER_N_FFT);
    const frameB = new Float64Array(WHISPER_N_FFT);
    const powerA = new Float64Array(bins);
    const powerB = new Float64Array(bins);
    let max = -Infinity;
    const project = (power: Float64Array, frame: number) => {
      for (let m = 0; m < WHISPER_MELS; m++) {
        const { from, weights } = this.filters[m]!;
        let sum = 0;
        for (let k = 0; k < weights.length; k++) sum += weights[k]! * power[from + k]!;
        const v = Math.log10(Math.max(MEL_FLOOR, sum));
        logMel[m * this.frames + frame] = v;
        if (v > max) max = v;
      }
    };
    // Only `frames` frames are kept (the STFT's last one is dropped), so it is never computed.
    for (let t = 0; t < this.frames; t += 2) {
      this.frame(x, t * WHISPER_HOP - half, frameA);
      const second = t + 1 < this.frames;
      if (second) this.frame(x, (t + 1) * WHISPER_HOP - half, frameB);
      this.spectrum.pair(frameA, second ? frameB : null, powerA, second ? powerB : null);
      project(powerA, t);
      if (second) project(powerB, t + 1);
    }
    const out = new Float32Array(logMel.length);
    const floor = max - DYNAMIC_RANGE;
    for (let i = 0; i < logMel.length; i++) out[i] = (Math.max(logMel[i]!, floor) + 4) / 4;
    return out;
  }

  /** Cut or pad to length, then normalise (in float64; the reference does it in float32, a difference below 1e-6). */
  private prepare(audio: Float32Array): Float64Array {
    const x = new Float64Array(this.samples);
    const n = Math.min(audio.length, this.samples);
    for (let i = 0; i < n; i++) x[i] = audio[i]!;
    if (!this.options.normalize) return x;
    let mean = 0;
    for (let i = 0; i < x.length; i++) mean += x[i]!;
    mean /= x.length;
    let variance = 0;
    for (let i = 0; i < x.length; i++) variance += (x[i]! - mean) ** 2;
    variance /= x.length;
    const scale = 1 / Math.sqrt(variance + NORM_EPSILON);
    for (let i = 0; i < x.length; i++) x[i] = (x[i]! - mean) * scale;
    return x;
  }

  /** One windowed frame starting at `start` of the signal, reflect-padded at both ends (numpy "reflect": the edge sample is not repeated). */
  private frame(x: Float64Array, start: number, out: Float64Array): void {
    const n = x.length;
    for (let i = 0; i < WHISPER_N_FFT; i++) {
      let j = start + i;
      if (j < 0) j = -j;
      else if (j >= n) j = 2 * (n - 1) - j;
      out[i] = x[j]! * this.window[i]!;
    }
  }
}

/** Each filter's non-zero span (a few bins of 201): the projection costs a fortieth of the dense product. */
function sparseRows(dense: Float64Array, bins: number): { from: number; weights: Float64Array }[] {
  const rows: { from: number; weights: Float64Array }[] = [];
  for (let at = 0; at < dense.length; at += bins) {
    const row = dense.subarray(at, at + bins);
    let from = row.findIndex((v) => v !== 0);
    if (from < 0) from = 0;
    let to = bins;
    while (to > from && row[to - 1] === 0) to--;
    rows.push({ from, weights: row.slice(from, to) });
  }
  return rows;
}
