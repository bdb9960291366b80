import { createRequire } from "node:module";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SherpaVad } from "../../../src/engines/vad/sherpa-vad.js";
import { sileroRef, testConfig } from "../../helpers/models.js";
import { toneBursts } from "../../helpers/audio.js";

/**
 * Blocking inference must never stall the event loop (RTP pacing runs there).
 * We decode two minutes of audio with silero while a 5 ms ticker measures the
 * longest gap between its ticks. The same decode run on the main thread is the
 * control: it shows the ticker does catch a stall when there is one. Only
 * ratios within this run are compared, never absolute times.
 */
const AUDIO = toneBursts({ sampleRate: 16000, bursts: 200, burstMs: 300, gapMs: 300 }); // 120 s

function watchEventLoop(): { stop(): number } {
  let last = performance.now();
  let worst = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    worst = Math.max(worst, now - last);
    last = now;
  }, 5);
  return {
    stop() {
      clearInterval(timer);
      return Math.max(worst, performance.now() - last);
    },
  };
}

describe("event loop during decoding", () => {
  let vad: SherpaVad;
  beforeAll(async () => {
    vad = await SherpaVad.load(sileroRef(), testConfig().engines.vad);
  });
  afterAll(async () => vad?.dispose());

  it("stays responsive while a worker decodes, and the ticker catches a main-thread decode", async () => {
    // Worker path (what Parley does).
    const watch = watchEventLoop();
    const started = performance.now();
    await vad.segments(AUDIO, { signal: AbortSignal.timeout(60_000) });
    const workerDecodeMs = performance.now() - started;
    const workerStallMs = watch.stop();

    // Control: the same work synchronously on this thread.
    const sherpa = createRequire(import.meta.url)("sherpa-onnx-node") as {
      Vad: new (c: object, s: number) => { acceptWaveform(x: Float32Array): void; isEmpty(): boolean; pop(): void };
    };
    const model = join(sileroRef().dir, "silero_vad.onnx");
    const direct = new sherpa.Vad({ sileroVad: { model, threshold: 0.5, minSilenceDuration: 0.3, minSpeechDuration: 0.2, windowSize: 512 }, sampleRate: 16000, numThreads: 1, provider: "cpu", debug: 0 }, 60);
    const control = watchEventLoop();
    await new Promise((r) => setTimeout(r, 20)); // let the ticker start
    const t0 = performance.now();
    for (let i = 0; i < AUDIO.length; i += 512) {
      direct.acceptWaveform(AUDIO.subarray(i, i + 512));
      while (!direct.isEmpty()) direct.pop();
    }
    const mainDecodeMs = performance.now() - t0;
    await new Promise((r) => setTimeout(r, 20));
    const mainStallMs = control.stop();

    // The workload must be big enough for a stall to be visible at all.
    expect(mainDecodeMs).toBeGreaterThan(100);
    // Control: decoding on the main thread blocks it for about the whole decode.
    expect(mainStallMs).toBeGreaterThan(mainDecodeMs * 0.8);
    // Parley: the loop kept ticking; its worst gap is a small fraction of the decode.
    expect(workerStallMs).toBeLessThan(Math.max(workerDecodeMs, mainDecodeMs) / 4);
    console.info(JSON.stringify({ workerDecodeMs, workerStallMs, mainDecodeMs, mainStallMs }));
  });
});
