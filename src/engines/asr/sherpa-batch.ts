import type { ParleyConfig } from "../../config/index.js";
import type { ModelRef } from "../model-ref.js";
import { offlineRecognizerConfig } from "../sherpa-config.js";
import type { AudioInput, BatchAsr, EngineInfo, Transcript } from "../types.js";
import { EngineWorker } from "../worker/host.js";
import { whisperLanguage } from "./whisper-language.js";

/** Whole-recording ASR on sherpa-onnx's OfflineRecognizer (whisper, moonshine, SenseVoice, CTC), in a worker thread. */
export class SherpaBatchAsr implements BatchAsr {
  readonly sampleRate: number;

  private constructor(
    private readonly worker: EngineWorker,
    readonly info: EngineInfo,
    /** The language to decode a request in; null for a model that is not Whisper. */
    private readonly languageOf: ((requested: string | undefined) => string) | null,
  ) {
    this.sampleRate = worker.sampleRate;
  }

  static async load(ref: ModelRef, config: ParleyConfig["engines"]["asr"]): Promise<SherpaBatchAsr> {
    const started = performance.now();
    const sampleRate = ref.model.sampleRate ?? 16000;
    const sherpa = offlineRecognizerConfig(ref, config);
    const worker = await EngineWorker.start("offline-asr", { sampleRate, sherpa }, ref.model.id);
    const whisper = (sherpa.modelConfig as { whisper?: { language: string } }).whisper;
    const multilingual = ref.model.languages.some((l) => l !== "en");
    return new SherpaBatchAsr(
      worker,
      {
        kind: "asr-batch",
        engine: ref.model.engine,
        modelId: ref.model.id,
        sampleRate,
        loadMs: performance.now() - started,
      },
      whisper ? (requested) => whisperLanguage(whisper.language, multilingual, requested) : null,
    );
  }

  transcribe(audio: AudioInput, options: { signal: AbortSignal; language?: string | undefined }): Promise<Transcript> {
    const language = this.languageOf?.(options.language);
    // Copied, not transferred: the caller keeps its buffer (voicemail audio is also stored and trimmed).
    return this.worker.call<Transcript>(
      "transcribe",
      { samples: audio.samples, sampleRate: audio.sampleRate, ...(language !== undefined ? { language } : {}) },
      { signal: options.signal },
    );
  }

  /** The language a request in `requested` is decoded in ("" = Whisper detects it); null: not a Whisper model. */
  decodingLanguage(requested: string | undefined): string | null {
    return this.languageOf?.(requested) ?? null;
  }

  dispose(): Promise<void> {
    return this.worker.terminate();
  }
}
