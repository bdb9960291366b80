/**
 * What sherpa-onnx's offline feature extractor (kaldi-native-fbank with
 * sherpa's defaults) does to audio, so the batch test model can turn 80
 * log-mel energies per 10 ms frame back into roughly the frame's mean |sample|:
 * the quantity the streaming model thresholds. Defaults assumed (sherpa's
 * FeatureExtractorConfig): 16 kHz, 25 ms Povey window, 10 ms shift,
 * preemphasis 0.97, 512-point FFT, power spectrum, 80 mel bins from 20 Hz to
 * Nyquist - 400 Hz, samples in [-1, 1] (normalize_samples), no dither.
 */

export const FBANK = {
  sampleRate: 16000,
  bins: 80,
  frameLength: 400,
  frameShiftMs: 10,
  fftSize: 512,
  lowFreq: 20,
  highFreq: 16000 / 2 - 400,
  preemphasis: 0.97,
} as const;

const mel = (hz: number): number => 1127 * Math.log(1 + hz / 700);
const hz = (m: number): number => 700 * (Math.exp(m / 1127) - 1);

/** Centre frequency of each mel bin (kaldi spaces bins evenly on the mel scale). */
export function melCentres(): number[] {
  const low = mel(FBANK.lowFreq);
  const step = (mel(FBANK.highFreq) - low) / (FBANK.bins + 1);
  return Array.from({ length: FBANK.bins }, (_, b) => hz(low + (b + 1) * step));
}

/**
 * log |H(f)|² of the preemphasis filter y[n] = x[n] - 0.97 x[n-1] at each bin's
 * centre. Subtracting it from a bin's log energy makes the estimate roughly
 * independent of pitch, as mean |sample| is: preemphasis alone would make a
 * 200 Hz tone read about 20 dB quieter than a 2 kHz one.
 */
export function preemphasisLogGains(): number[] {
  return melCentres().map((f) => {
    const w = (2 * Math.PI * f) / FBANK.sampleRate;
    const a = FBANK.preemphasis;
    return Math.log(1 + a * a - 2 * a * Math.cos(w));
  });
}

/** Σ w[n]² of the Povey window (Hann to the power 0.85). */
function poveyEnergy(): number {
  let sum = 0;
  for (let n = 0; n < FBANK.frameLength; n++) {
    const hann = 0.5 - 0.5 * Math.cos((2 * Math.PI * n) / (FBANK.frameLength - 1));
    sum += Math.pow(hann, 0.85 * 2);
  }
  return sum;
}

/**
 * Offset c such that exp(0.5 * logPower + c) is the frame's mean |sample| in
 * int16 units, where logPower = log Σ_bins mel energy (preemphasis undone).
 * By Parseval the one-sided power spectrum of the windowed frame sums to
 * (fftSize / 2) · Σ (w·x)², and the mel triangles sum to 1 across the band,
 * so Σ mel ≈ 256 · rms² · Σ w². For a sine, mean |x| = rms · 2√2/π.
 */
export function meanAbsLogOffset(): number {
  const meanAbsPerRms = (2 * Math.SQRT2) / Math.PI;
  return Math.log(32767 * meanAbsPerRms) - 0.5 * Math.log((FBANK.fftSize / 2) * poveyEnergy());
}
