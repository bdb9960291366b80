import type { ParleyConfig } from "../../config/index.js";
import type { ModelRef } from "../model-ref.js";
import { onlineRecognizerConfig } from "../sherpa-config.js";
import { sessionStream } from "../stream.js";
import type { AsrEvent, AsrStream, AudioInput, EngineInfo, StreamingAsr } from "../types.js";
import { EngineWorker } from "../worker/host.js";

/** Streaming ASR on sherpa-onnx's OnlineRecognizer, decoding in a worker thread. */
export class SherpaStreamingAsr implements StreamingAsr {
  readonly sampleRate: number;

  private constructor(
    private readonly worker: EngineWorker,
    readonly info: EngineInfo,
  ) {
    this.sampleRate = worker.sampleRate;
  }

  static async load(ref: ModelRef, config: ParleyConfig["engines"]["asr"]): Promise<SherpaStreamingAsr> {
    const started = performance.now();
    const sampleRate = ref.model.sampleRate ?? 16000;
    const worker = await EngineWorker.start(
      "online-asr",
      { sampleRate, sherpa: onlineRecognizerConfig(ref, config) },
      ref.model.id,
    );
    return new SherpaStreamingAsr(worker, {
      kind: "asr-streaming",
      engine: ref.model.engine,
      modelId: ref.model.id,
      sampleRate,
      loadMs: performance.now() - started,
    });
  }

  open(options: { signal: AbortSignal }): AsrStream {
    const session = this.worker.open<AsrEvent>("stream", null, options.signal);
    // sherpa resamples internally, so audio may arrive at any rate (8 kHz straight from RTP).
    const stream = sessionStream(session, (audio: AudioInput) => ({
      data: { samples: audio.samples, sampleRate: audio.sampleRate },
    }));
    return { ...stream, finalize: () => session.push({ finalize: true }) };
  }

  get liveQueueDelayMs(): number {
    return this.worker.liveQueueDelayMs;
  }

  dispose(): Promise<void> {
    return this.worker.terminate();
  }
}
