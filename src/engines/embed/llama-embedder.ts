import type { LlamaEmbeddingContext, LlamaModel, Token } from "node-llama-cpp";
import type { ParleyConfig } from "../../config/index.js";
import { throwIfAborted } from "../../lib/abort.js";
import { ModelError } from "../../lib/errors.js";
import { llamaRuntime } from "../llm/runtime.js";
import { modelFile, modelSetting, type ModelRef } from "../model-ref.js";
import type { EmbedEngine, EmbedOptions, EmbedPurpose, EngineInfo } from "../types.js";
import { unitVector } from "./vector.js";

export interface LlamaEmbedderOptions {
  config: ParleyConfig["engines"]["embed"];
  /** Used when neither the config nor the catalog names a thread count. */
  physicalCores: number;
}

/** Room for the [CLS]/[SEP] (or BOS/EOS) tokens node-llama-cpp adds, under the context size it refuses to reach. */
const SPECIAL_TOKENS = 3;

/**
 * A GGUF text-embedding model (bge, nomic, the tiny double) through
 * node-llama-cpp's embedding context. llama.cpp runs on its own threads, so
 * the event loop stays free. Two contexts: one for queries (a caller waits
 * for them), one for documents (uploads, re-indexing), so a query never
 * queues behind a long document; each context embeds one text at a time.
 *
 * Catalog settings (`config`): `file`, `contextSize` (the model's limit by
 * default), `threads`, `queryPrefix` / `documentPrefix` (the instruction a
 * model was trained with, e.g. bge's "Represent this sentence for searching
 * relevant passages: ").
 */
export class LlamaEmbedder implements EmbedEngine {
  private documents: Promise<LlamaEmbeddingContext> | null = null;

  private constructor(
    private readonly model: LlamaModel,
    private readonly queries: LlamaEmbeddingContext,
    private readonly createContext: () => Promise<LlamaEmbeddingContext>,
    private readonly prefixes: Record<EmbedPurpose, string>,
    readonly maxTokens: number,
    readonly info: EngineInfo,
  ) {}

  static async load(ref: ModelRef, options: LlamaEmbedderOptions): Promise<LlamaEmbedder> {
    const started = performance.now();
    const llama = await llamaRuntime(options.config.gpu);
    let model: LlamaModel;
    try {
      model = await llama.loadModel({
        modelPath: modelFile(ref, "file"),
        useMmap: options.config.mmap,
        ...(options.config.gpu === false ? { gpuLayers: 0 } : {}),
      });
    } catch (err) {
      throw new ModelError(
        "model_load_failed",
        `model ${ref.model.id}: llama.cpp could not load ${modelFile(ref, "file")}: ${(err as Error).message}`,
        { cause: err },
      );
    }
    const contextSize = Math.min(
      modelSetting<number>(ref, "contextSize", model.trainContextSize),
      model.trainContextSize,
    );
    // Explicit, always: the library default oversubscribes small boxes (MODELS.md).
    const threads =
      options.config.threads > 0
        ? options.config.threads
        : modelSetting<number>(ref, "threads", 0) || options.physicalCores;
    // The whole text must be one batch: pooling reads every token of the sequence at once.
    const createContext = () => model.createEmbeddingContext({ contextSize, batchSize: contextSize, threads });
    let queries: LlamaEmbeddingContext;
    try {
      queries = await createContext();
    } catch (err) {
      await model.dispose();
      throw new ModelError(
        "model_load_failed",
        `model ${ref.model.id}: no embedding context: ${(err as Error).message}`,
        { cause: err },
      );
    }
    const prefixes = { query: modelSetting(ref, "queryPrefix", ""), document: modelSetting(ref, "documentPrefix", "") };
    const info: EngineInfo = {
      kind: "embed",
      engine: ref.model.engine,
      modelId: ref.model.id,
      loadMs: performance.now() - started,
    };
    return new LlamaEmbedder(model, queries, createContext, prefixes, contextSize - SPECIAL_TOKENS, info);
  }

  get dimensions(): number {
    return this.model.embeddingVectorSize;
  }

  countTokens(text: string): number {
    return this.model.tokenize(text, false).length;
  }

  async embed(texts: readonly string[], options: EmbedOptions): Promise<Float32Array[]> {
    const context = options.purpose === "query" ? this.queries : await this.documentContext();
    const out: Float32Array[] = [];
    for (const text of texts) {
      throwIfAborted(options.signal);
      const tokens = this.tokens(this.prefixes[options.purpose] + text);
      if (tokens.length === 0) {
        out.push(new Float32Array(this.dimensions));
        continue;
      }
      const { vector } = await context.getEmbeddingFor(tokens);
      out.push(unitVector(vector));
    }
    throwIfAborted(options.signal);
    return out;
  }

  async dispose(): Promise<void> {
    const documents = this.documents;
    this.documents = null;
    await Promise.allSettled([this.queries.dispose(), documents?.then((c) => c.dispose())]);
    await this.model.dispose();
  }

  /** Plain text (no special-token parsing), cut to what the model reads. */
  private tokens(text: string): Token[] {
    const tokens = this.model.tokenize(text, false);
    return tokens.length > this.maxTokens ? tokens.slice(0, this.maxTokens) : tokens;
  }

  private documentContext(): Promise<LlamaEmbeddingContext> {
    this.documents ??= this.createContext().catch((err: unknown) => {
      this.documents = null;
      throw err;
    });
    return this.documents;
  }
}
