import type { ParleyConfig } from "../../config/index.js";
import type { ModelRef } from "../model-ref.js";
import { offlineRecognizerConfig } from "../sherpa-config.js";
import type { AudioInput, BatchAsr, EngineInfo, Transcript } from "../types.js";
import { EngineWorker } from "../worker/host.js";

/** Whole-recording ASR on sherpa-onnx's OfflineRecognizer (whisper, moonshine, SenseVoice, CTC), in a worker thread. */
export class SherpaBatchAsr implements BatchAsr {
  readonly sampleRate: number;

  private constructor(
    private readonly worker: EngineWorker,
    readonly info: EngineInfo,
  ) {
    this.sampleRate = worker.sampleRate;
  }

  static async load(ref: ModelRef, config: ParleyConfig["engines"]["asr"]): Promise<SherpaBatchAsr> {
    const started = performance.now();
    const sampleRate = ref.model.sampleRate ?? 16000;
    const worker = await EngineWorker.start(
      "offline-asr",
      { sampleRate, sherpa: offlineRecognizerConfig(ref, config) },
      ref.model.id,
    );
    return new SherpaBatchAsr(worker, {
      kind: "asr-batch",
      engine: ref.model.engine,
      modelId: ref.model.id,
      sampleRate,
      loadMs: performance.now() - started,
    });
  }

  transcribe(audio: AudioInput, options: { signal: AbortSignal }): Promise<Transcript> {
    // Copied, not transferred: the caller keeps its buffer (voicemail audio is also stored and trimmed).
    return this.worker.call<Transcript>(
      "transcribe",
      { samples: audio.samples, sampleRate: audio.sampleRate },
      { signal: options.signal },
    );
  }

  dispose(): Promise<void> {
    return this.worker.terminate();
  }
}
