import { createRequire } from "node:module";

/** Reads a WAV file through sherpa-onnx (independent of our own reader, which has its own tests). */
export function readWaveFile(path: string): { samples: Float32Array; sampleRate: number } {
  const require = createRequire(import.meta.url);
  const sherpa = require("sherpa-onnx-node") as {
    readWave(p: string, external?: boolean): { samples: Float32Array; sampleRate: number };
  };
  return sherpa.readWave(path, false);
}

/** Tone bursts separated by silence: loud enough for the scripted ASR, shaped like speech for the VAD's purposes. */
export function toneBursts(options: {
  sampleRate: number;
  bursts: number;
  burstMs: number;
  gapMs: number;
  amplitude?: number;
  tailMs?: number;
}): Float32Array {
  const { sampleRate, bursts, burstMs, gapMs } = options;
  const amp = options.amplitude ?? 0.3;
  const burst = Math.round((sampleRate * burstMs) / 1000);
  const gap = Math.round((sampleRate * gapMs) / 1000);
  const tail = Math.round((sampleRate * (options.tailMs ?? 0)) / 1000);
  const out = new Float32Array(bursts * (burst + gap) + tail);
  for (let b = 0; b < bursts; b++) {
    const start = b * (burst + gap);
    for (let i = 0; i < burst; i++) out[start + i] = amp * Math.sin((2 * Math.PI * 440 * i) / sampleRate);
  }
  return out;
}

/** Splits audio into fixed frames, as RTP would deliver it. */
export function* frames(samples: Float32Array, frameSamples: number): Generator<Float32Array> {
  for (let i = 0; i < samples.length; i += frameSamples) yield samples.slice(i, i + frameSamples);
}

export function silence(sampleRate: number, ms: number): Float32Array {
  return new Float32Array(Math.round((sampleRate * ms) / 1000));
}

export function concat(...parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** The same for 16-bit PCM. */
export function concatPcm(...parts: Int16Array[]): Int16Array {
  const out = new Int16Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
