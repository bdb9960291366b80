import { Histogram, type Registry } from "prom-client";
import type { BatchAsr, Engine, LlmEngine, TtsEngine } from "../types.js";
import type { ModelRole } from "../../models/catalog-schema.js";

/**
 * Engine speed as it is used, not just in benchmarks: real-time factor of
 * batch ASR and TTS, and the LLM's time to first token and tokens per second.
 * The wrappers keep the engine's interface; engines themselves stay free of
 * metrics.
 */
export class EngineMetrics {
  private readonly rtf: Histogram<"role" | "model">;
  private readonly ttft: Histogram<"model">;
  private readonly tps: Histogram<"model">;

  constructor(registry: Registry) {
    this.rtf = new Histogram({
      name: "parley_engine_rtf",
      help: "Real-time factor (compute time / audio time) per call of batch ASR and TTS",
      labelNames: ["role", "model"],
      buckets: [0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2],
      registers: [registry],
    });
    this.ttft = new Histogram({
      name: "parley_llm_first_token_seconds",
      help: "LLM time to first token",
      labelNames: ["model"],
      buckets: [0.01, 0.025, 0.05, 0.1, 0.2, 0.35, 0.5, 1, 2, 5],
      registers: [registry],
    });
    this.tps = new Histogram({
      name: "parley_llm_tokens_per_second",
      help: "LLM generation speed per reply",
      labelNames: ["model"],
      buckets: [5, 10, 20, 40, 80, 160, 320, 640, 1280, 2560],
      registers: [registry],
    });
  }

  instrument<E extends Engine>(role: ModelRole, engine: E): E {
    if (role === "llm") return this.llm(engine as unknown as LlmEngine) as unknown as E;
    if (role === "tts") return this.tts(engine as unknown as TtsEngine) as unknown as E;
    if (role === "asrBatch") return this.batch(engine as unknown as BatchAsr) as unknown as E;
    return engine;
  }

  private llm(e: LlmEngine): LlmEngine {
    const model = e.info.modelId;
    const { ttft, tps } = this;
    return Object.assign(Object.create(e) as LlmEngine, {
      async *chat(...args: Parameters<LlmEngine["chat"]>) {
        for await (const d of e.chat(...args)) {
          if (d.type === "done" && d.usage.firstTokenMs !== null) {
            ttft.observe({ model }, d.usage.firstTokenMs / 1000);
            const decodeS = (d.usage.totalMs - d.usage.firstTokenMs) / 1000;
            if (d.usage.completionTokens > 1 && decodeS > 0)
              tps.observe({ model }, (d.usage.completionTokens - 1) / decodeS);
          }
          yield d;
        }
      },
    });
  }

  private tts(e: TtsEngine): TtsEngine {
    const labels = { role: "tts", model: e.info.modelId };
    const { rtf } = this;
    return Object.assign(Object.create(e) as TtsEngine, {
      async *synthesize(...args: Parameters<TtsEngine["synthesize"]>) {
        const started = performance.now();
        let samples = 0;
        for await (const c of e.synthesize(...args)) {
          samples += c.samples.length;
          yield c;
        }
        if (samples > 0) rtf.observe(labels, (performance.now() - started) / 1000 / (samples / e.sampleRate));
      },
    });
  }

  private batch(e: BatchAsr): BatchAsr {
    const labels = { role: "asr_batch", model: e.info.modelId };
    const { rtf } = this;
    return Object.assign(Object.create(e) as BatchAsr, {
      async transcribe(...args: Parameters<BatchAsr["transcribe"]>) {
        const started = performance.now();
        const t = await e.transcribe(...args);
        if (t.durationMs > 0) rtf.observe(labels, (performance.now() - started) / t.durationMs);
        return t;
      },
    });
  }
}
