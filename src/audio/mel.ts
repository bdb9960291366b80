/**
 * Mel scales and triangular filterbanks, as librosa and Hugging Face's
 * `mel_filter_bank` compute them (the "slaney" scale and area
 * normalisation that Whisper uses): linear below 1 kHz (3 mels per 200 Hz),
 * logarithmic above (27 mels per factor 6.4).
 */

const MIN_LOG_HZ = 1000;
const MIN_LOG_MEL = 15;
const LOG_STEP = Math.log(6.4) / 27;

export function hzToMelSlaney(hz: number): number {
  return hz < MIN_LOG_HZ ? (3 * hz) / 200 : MIN_LOG_MEL + Math.log(hz / MIN_LOG_HZ) / LOG_STEP;
}

export function melToHzSlaney(mel: number): number {
  return mel < MIN_LOG_MEL ? (200 * mel) / 3 : MIN_LOG_HZ * Math.exp(LOG_STEP * (mel - MIN_LOG_MEL));
}

export interface MelFilterbankOptions {
  /** FFT bins 0..n_fft/2. */
  bins: number;
  filters: number;
  sampleRate: number;
  minHz?: number;
  /** Default: the Nyquist frequency. */
  maxHz?: number;
}

/**
 * A [filters][bins] matrix (row-major Float64Array): filter f rises from
 * edge f to its centre f+1 and falls to edge f+2, the edges equally spaced
 * in mels, each scaled by 2 / (width in Hz) so every filter has the same area.
 */
export function melFilterbank(o: MelFilterbankOptions): Float64Array {
  const minMel = hzToMelSlaney(o.minHz ?? 0);
  const maxMel = hzToMelSlaney(o.maxHz ?? o.sampleRate / 2);
  const edges = Array.from({ length: o.filters + 2 }, (_, i) =>
    melToHzSlaney(minMel + ((maxMel - minMel) * i) / (o.filters + 1)),
  );
  // FFT bin k sits at k · (sr/2) / (bins - 1) Hz (numpy linspace(0, sr // 2, bins)).
  const nyquist = Math.floor(o.sampleRate / 2);
  const weights = new Float64Array(o.filters * o.bins);
  for (let f = 0; f < o.filters; f++) {
    const lower = edges[f]!;
    const centre = edges[f + 1]!;
    const upper = edges[f + 2]!;
    const norm = 2 / (upper - lower);
    for (let k = 0; k < o.bins; k++) {
      const hz = (nyquist * k) / (o.bins - 1);
      const rising = (hz - lower) / (centre - lower);
      const falling = (upper - hz) / (upper - centre);
      weights[f * o.bins + k] = Math.max(0, Math.min(rising, falling)) * norm;
    }
  }
  return weights;
}

/** A periodic Hann window (as torch.hann_window and numpy's hanning(n + 1)[:-1]): the one STFTs use. */
export function periodicHann(size: number): Float64Array {
  const w = new Float64Array(size);
  for (let i = 0; i < size; i++) w[i] = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / size);
  return w;
}
