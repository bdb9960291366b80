/**
 * Test audio for the scripted recognisers: 300 ms chunks, each a loud tone
 * ("L") or silence ("S"), so every chunk is unambiguously speech or not.
 */

const CHUNK_SECONDS = 0.3;

export interface ToneOptions {
  /** Tone amplitude in [0, 1]; 0.3 is about -13 dBFS, far above the models' threshold. */
  amplitude?: number;
  frequency?: number;
  /** Silence before the first chunk, which shifts every burst against the 300 ms grid. */
  offsetSeconds?: number;
}

/** Float samples for a pattern like "SLLS". */
export function toneBursts(pattern: string, sampleRate: number, options: ToneOptions = {}): Float32Array {
  const { amplitude = 0.3, frequency = 440, offsetSeconds = 0 } = options;
  const chunk = Math.round(sampleRate * CHUNK_SECONDS);
  const offset = Math.round(sampleRate * offsetSeconds);
  const out = new Float32Array(offset + chunk * pattern.length);
  [...pattern].forEach((kind, i) => {
    if (kind !== "L") return;
    for (let j = 0; j < chunk; j++) {
      const n = offset + i * chunk + j;
      out[n] = amplitude * Math.sin((2 * Math.PI * frequency * n) / sampleRate);
    }
  });
  return out;
}

/** Root mean square of a stretch of samples. */
export function rms(samples: Float32Array, start = 0, end = samples.length): number {
  let sum = 0;
  for (let i = start; i < end; i++) sum += (samples[i] ?? 0) ** 2;
  return Math.sqrt(sum / Math.max(1, end - start));
}
