import type { ParleyConfig } from "../../config/index.js";
import { AbortError } from "../../lib/errors.js";
import { Channel } from "../../lib/channel.js";
import type { ModelRef } from "../model-ref.js";
import { offlineTtsConfig } from "../sherpa-config.js";
import { availableParallelism } from "node:os";
import type { EngineInfo, SynthesizeOptions, TtsChunk, TtsEngine } from "../types.js";
import { EngineWorker } from "../worker/host.js";
import { splitSentences } from "./sentences.js";
import { readAloud } from "./read-aloud/index.js";

/** TTS on sherpa-onnx's OfflineTts (Piper/VITS, Kokoro, Matcha), one sentence per worker call. */
export class SherpaTts implements TtsEngine {
  readonly sampleRate: number;

  private constructor(
    private readonly worker: EngineWorker,
    private readonly defaults: ParleyConfig["engines"]["tts"],
    readonly info: EngineInfo,
  ) {
    this.sampleRate = worker.sampleRate;
  }

  static async load(ref: ModelRef, config: ParleyConfig["engines"]["tts"]): Promise<SherpaTts> {
    const started = performance.now();
    // One sentence at a time on small boxes keeps the priority order strict; bigger boxes render a few at once.
    const concurrency =
      config.concurrency === "auto" ? Math.max(1, Math.floor(availableParallelism() / 2)) : config.concurrency;
    const worker = await EngineWorker.start(
      "tts",
      { sherpa: offlineTtsConfig(ref, config), concurrency },
      ref.model.id,
    );
    return new SherpaTts(worker, config, {
      kind: "tts",
      engine: ref.model.engine,
      modelId: ref.model.id,
      sampleRate: worker.sampleRate,
      loadMs: performance.now() - started,
    });
  }

  async *synthesize(text: string, options: SynthesizeOptions): AsyncIterable<TtsChunk> {
    const language = options.language;
    const sentences = splitSentences(text, language).map((s) => (language ? readAloud(s, language) : s));
    for (const [index, sentence] of sentences.entries()) {
      if (options.signal.aborted) throw new AbortError(options.signal.reason);
      const chunks = new Channel<Float32Array>();
      const done = this.worker
        .call(
          "synthesize",
          {
            text: sentence,
            sid: options.speakerId ?? this.defaults.speakerId,
            speed: options.speed ?? this.defaults.speed,
            priority: options.priority ?? "live",
            urgent: options.urgent?.() ?? false,
          },
          {
            signal: options.signal,
            onEvent: (samples) => chunks.push(samples as Float32Array),
          },
        )
        .then(
          () => chunks.close(),
          (err: unknown) => chunks.fail(err),
        );
      let first = true;
      for await (const samples of chunks) {
        yield { samples, sampleRate: this.sampleRate, sentence: index, ...(first ? { text: sentence } : {}) };
        first = false;
      }
      await done;
    }
  }

  get liveQueueDelayMs(): number {
    return this.worker.liveQueueDelayMs;
  }

  dispose(): Promise<void> {
    return this.worker.terminate();
  }
}
