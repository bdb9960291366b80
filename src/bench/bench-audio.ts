import { createRequire } from "node:module";
import { existsSync } from "node:fs";
import { join } from "node:path";

/**
 * Audio for engine benchmarks: real speech (jfk.wav from the fixtures)
 * repeated to the wanted length when it is there, else tone bursts that the
 * scripted test models treat as words. Mono float32 at 16 kHz.
 */
export function benchAudio(
  seconds: number,
  fixturesDir: string | null,
): { samples: Float32Array; sampleRate: number; source: string } {
  const rate = 16000;
  const out = new Float32Array(seconds * rate);
  const jfk = fixturesDir ? join(fixturesDir, "audio", "jfk.wav") : null;
  if (jfk && existsSync(jfk)) {
    const sherpa = createRequire(import.meta.url)("sherpa-onnx-node") as {
      readWave(p: string, ext?: boolean): { samples: Float32Array; sampleRate: number };
    };
    const wave = sherpa.readWave(jfk, false);
    if (wave.sampleRate === rate) {
      for (let i = 0; i < out.length; i += wave.samples.length)
        out.set(wave.samples.subarray(0, Math.min(wave.samples.length, out.length - i)), i);
      return { samples: out, sampleRate: rate, source: "jfk.wav" };
    }
  }
  const burst = rate * 0.3;
  for (let start = 0; start + burst < out.length; start += burst * 2) {
    for (let i = 0; i < burst; i++) out[start + i] = 0.3 * Math.sin((2 * Math.PI * 440 * i) / rate);
  }
  return { samples: out, sampleRate: rate, source: "tone bursts" };
}

export const BENCH_TEXT =
  "Thank you for calling. Your appointment is confirmed for Tuesday at ten in the morning. " +
  "If you need to change it, press two, or say change. We look forward to seeing you.";
