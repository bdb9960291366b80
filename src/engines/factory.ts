import type { ParleyConfig } from "../config/index.js";
import { runtimeFacts } from "../config/index.js";
import { ModelError } from "../lib/errors.js";
import type { ModelKind, ModelRole } from "../models/catalog-schema.js";
import { roleKinds } from "../models/catalog-schema.js";
import { SherpaBatchAsr } from "./asr/sherpa-batch.js";
import { SherpaStreamingAsr } from "./asr/sherpa-streaming.js";
import { WhisperCppAsr } from "./asr/whisper-cpp.js";
import { LlamaEmbedder } from "./embed/llama-embedder.js";
import { LlamaEngine } from "./llm/llama-engine.js";
import type { ModelRef } from "./model-ref.js";
import { SherpaTts } from "./tts/sherpa-tts.js";
import { SmartTurnDetector } from "./turn/smart-turn.js";
import type {
  BatchAsr,
  EmbedEngine,
  Engine,
  EngineSet,
  LlmEngine,
  StreamingAsr,
  TtsEngine,
  TurnDetector,
  VadEngine,
} from "./types.js";
import { SherpaVad } from "./vad/sherpa-vad.js";
import { VadNodeVad } from "./vad/vad-node.js";

interface KindToEngine {
  vad: VadEngine;
  "asr-streaming": StreamingAsr;
  "asr-batch": BatchAsr;
  llm: LlmEngine;
  tts: TtsEngine;
  embed: EmbedEngine;
  turn: TurnDetector;
}

/** The one factory: an installed model in, a loaded engine of the requested kind out. */
export async function createEngine<K extends ModelKind>(
  kind: K,
  ref: ModelRef,
  config: ParleyConfig,
): Promise<KindToEngine[K]> {
  if (ref.model.kind !== kind) {
    throw new ModelError("model_kind_mismatch", `model ${ref.model.id} is a ${ref.model.kind} model, not ${kind}`);
  }
  const e = config.engines;
  const engine: Engine = await (async () => {
    switch (ref.model.engine) {
      case "silero-vad":
        return e.vad.runtime === "vad-node" ? VadNodeVad.load(ref, e.vad) : SherpaVad.load(ref, e.vad);
      case "sherpa-online-transducer":
      case "sherpa-online-paraformer":
      case "sherpa-online-tone-ctc":
        return SherpaStreamingAsr.load(ref, e.asr);
      case "sherpa-offline-whisper":
      case "sherpa-offline-moonshine":
      case "sherpa-offline-sense-voice":
      case "sherpa-offline-transducer":
      case "sherpa-offline-ctc":
        return SherpaBatchAsr.load(ref, e.asr);
      case "whisper-cpp":
        return WhisperCppAsr.load(ref, e.asr);
      case "llama-cpp":
        return LlamaEngine.load(ref, { config: e.llm, physicalCores: runtimeFacts().physicalCores });
      case "llama-cpp-embedding":
        return LlamaEmbedder.load(ref, { config: e.embed, physicalCores: runtimeFacts().physicalCores });
      case "sherpa-tts-vits":
      case "sherpa-tts-kokoro":
      case "sherpa-tts-matcha":
        return SherpaTts.load(ref, e.tts);
      case "smart-turn":
        return SmartTurnDetector.load(ref, e.turn);
    }
  })();
  return engine as KindToEngine[K];
}

export interface LoadEnginesOptions {
  /** Called as each engine finishes loading (serve logs it, readyz reports it). */
  onLoaded?: (role: ModelRole, engine: Engine) => void;
}

/** Loads a profile's five engines; on any failure, the ones already loaded are disposed. */
export async function loadEngineSet(
  refs: Record<ModelRole, ModelRef>,
  config: ParleyConfig,
  options: LoadEnginesOptions = {},
): Promise<EngineSet> {
  const loaded: Partial<Record<ModelRole, Engine>> = {};
  try {
    // Sequential: loading is I/O and memory heavy, and a clear first failure beats five at once.
    for (const role of ["vad", "asrStreaming", "asrBatch", "tts", "llm"] as const) {
      const engine = await createEngine(roleKinds[role], refs[role], config);
      loaded[role] = engine;
      options.onLoaded?.(role, engine);
    }
  } catch (err) {
    await disposeAll(Object.values(loaded));
    throw err;
  }
  return loaded as EngineSet;
}

export async function disposeEngineSet(set: EngineSet): Promise<void> {
  await disposeAll([set.vad, set.asrStreaming, set.asrBatch, set.llm, set.tts, ...(set.turn ? [set.turn] : [])]);
}

async function disposeAll(engines: Engine[]): Promise<void> {
  await Promise.allSettled(engines.map((e) => e.dispose()));
}
