import type { ParleyConfig } from "../../config/index.js";
import type { ModelRef } from "../model-ref.js";
import { modelFile } from "../model-ref.js";
import { sessionStream } from "../stream.js";
import type { EngineInfo, EngineStream, SpeechSegment, VadEngine, VadEvent } from "../types.js";
import { EngineWorker } from "../worker/host.js";

/**
 * Silero VAD on sherpa-onnx, the default VAD runtime: it runs in a worker
 * thread like the other sherpa engines (so a burst of calls cannot stall the
 * event loop), reports finished segments with sample-exact bounds, and is
 * tuned with the same knobs (threshold, minimum silence and speech) as the
 * rest of the pipeline. @ricky0123/vad-node is the alternative runtime.
 */
export class SherpaVad implements VadEngine {
  readonly sampleRate: number;

  private constructor(
    private readonly worker: EngineWorker,
    readonly info: EngineInfo,
  ) {
    this.sampleRate = worker.sampleRate;
  }

  static async load(ref: ModelRef, config: ParleyConfig["engines"]["vad"]): Promise<SherpaVad> {
    const started = performance.now();
    const sampleRate = ref.model.sampleRate ?? 16000;
    const worker = await EngineWorker.start("vad", {
      sampleRate,
      sherpa: {
        sileroVad: {
          model: modelFile(ref, "model"),
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
      },
    }, ref.model.id);
    const info: EngineInfo = { kind: "vad", engine: ref.model.engine, modelId: ref.model.id, sampleRate, loadMs: performance.now() - started };
    return new SherpaVad(worker, info);
  }

  open(options: { signal: AbortSignal }): EngineStream<Float32Array, VadEvent> {
    const session = this.worker.open<VadEvent>("stream", null, options.signal);
    return sessionStream(session, (samples: Float32Array) => ({ data: samples }));
  }

  segments(samples: Float32Array, options: { signal: AbortSignal }): Promise<SpeechSegment[]> {
    return this.worker.call<SpeechSegment[]>("segments", { samples }, { signal: options.signal });
  }

  dispose(): Promise<void> {
    return this.worker.terminate();
  }
}
