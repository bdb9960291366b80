import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { ParleyConfig } from "../config/index.js";
import { ModelError } from "../lib/errors.js";
import { createEngine } from "../engines/factory.js";
import type { ModelRef } from "../engines/model-ref.js";
import type { BatchAsr, Engine, LlmEngine, StreamingAsr, TtsEngine, VadEngine } from "../engines/types.js";
import type { CatalogModel } from "../models/catalog-schema.js";
import { missingModelsMessage, resolveProfileModels } from "../app/resolve-models.js";
import { benchAudio, BENCH_TEXT } from "./bench-audio.js";
import { bareLoop, runEngine, summarize, type LlmFigures, type LlmRun } from "./llm-bench.js";
import { machineFacts, round, rssMb } from "./stats.js";

export interface EnginesBenchOptions {
  config: ParleyConfig;
  cwd: string;
  /** ../shared/fixtures or a site's own: stories260K and jfk.wav are benchmarked when present. */
  fixturesDir: string | null;
  /** LLM runs per side (engine and bare loop, interleaved). */
  llmRuns: number;
  log: (line: string) => void;
}

interface EngineFigures {
  role: string;
  modelId: string;
  engine: string;
  loadMs: number;
  [metric: string]: unknown;
}

/** `parley bench engines`: load time and speed of each engine of a profile, plus the LLM against a bare node-llama-cpp loop. */
export async function benchEngines(o: EnginesBenchOptions) {
  const models = await resolveProfileModels(o.config, o.cwd);
  if (models.missing.length > 0) throw new ModelError("model_missing", missingModelsMessage(models));
  const refs = models.refs as Required<typeof models.refs>;
  const rssBaseline = rssMb();
  const results: EngineFigures[] = [];
  const loaded: Engine[] = [];
  const audio = benchAudio(60, o.fixturesDir);
  try {
    const load = async <E extends Engine>(kind: Parameters<typeof createEngine>[0], ref: ModelRef) => {
      o.log(`loading ${ref.model.id}`);
      const e = (await createEngine(kind, ref, o.config)) as unknown as E;
      loaded.push(e);
      return e;
    };
    const vad = await load<VadEngine>("vad", refs.vad);
    results.push({
      ...base("vad", vad),
      ...(await benchVad(vad, audio.samples, audio.sampleRate)),
      audio: audio.source,
    });
    const asr = await load<StreamingAsr>("asr-streaming", refs.asrStreaming);
    results.push({
      ...base("asrStreaming", asr),
      ...(await benchStreamingAsr(asr, audio.samples, audio.sampleRate)),
      audio: audio.source,
    });
    const batch = await load<BatchAsr>("asr-batch", refs.asrBatch);
    results.push({
      ...base("asrBatch", batch),
      ...(await benchBatchAsr(batch, audio.samples.subarray(0, 30 * audio.sampleRate), audio.sampleRate)),
      audio: audio.source,
    });
    const tts = await load<TtsEngine>("tts", refs.tts);
    results.push({ ...base("tts", tts), ...(await benchTts(tts)) });
    const llm = await load<LlmEngine>("llm", refs.llm);
    o.log(`benchmarking ${refs.llm.model.id} against a bare node-llama-cpp loop`);
    const llmFigures = await compareLlm(llm, refs.llm, o);
    results.push({ ...base("llm", llm), ...llmFigures });
    const rssLoaded = rssMb();

    const fixtures: Record<string, unknown> = {};
    if (o.fixturesDir) {
      const stories: ModelRef = { model: storiesModel(join(o.fixturesDir, "llm")), dir: join(o.fixturesDir, "llm") };
      try {
        const storiesLlm = await load<LlmEngine>("llm", stories);
        o.log("benchmarking stories260K (fixture) against a bare node-llama-cpp loop");
        fixtures.stories260k = { loadMs: round(storiesLlm.info.loadMs), ...(await compareLlm(storiesLlm, stories, o)) };
      } catch (err) {
        fixtures.stories260k = { skipped: (err as Error).message };
      }
      fixtures.jfkVad =
        audio.source === "jfk.wav"
          ? { note: "the VAD and ASR figures above ran on jfk.wav" }
          : { skipped: "jfk.wav not found" };
    }
    return {
      bench: "engines",
      profile: models.profile,
      machine: machineFacts(),
      engines: results,
      memory: { rssBaselineMb: rssBaseline, rssLoadedMb: rssLoaded, rssProfileMb: round(rssLoaded - rssBaseline, 1) },
      fixtures,
    };
  } finally {
    await Promise.allSettled(loaded.map((e) => e.dispose()));
  }
}

function base(role: string, e: Engine): EngineFigures {
  return { role, modelId: e.info.modelId, engine: e.info.engine, loadMs: round(e.info.loadMs, 1) };
}

async function benchVad(vad: VadEngine, samples: Float32Array, rate: number) {
  const started = performance.now();
  const segments = await vad.segments(samples, { signal: AbortSignal.timeout(300_000) });
  const secs = (performance.now() - started) / 1000;
  return { audioSec: samples.length / rate, rtf: round(secs / (samples.length / rate), 4), segments: segments.length };
}

async function benchStreamingAsr(asr: StreamingAsr, samples: Float32Array, rate: number) {
  const stream = asr.open({ signal: AbortSignal.timeout(300_000) });
  let finals = 0;
  const started = performance.now();
  const reader = (async () => {
    for await (const e of stream) if (e.type === "final") finals++;
  })();
  const frame = rate / 50; // 20 ms, as from RTP
  for (let i = 0; i < samples.length; i += frame)
    stream.push({ samples: samples.slice(i, i + frame), sampleRate: rate });
  stream.end();
  await reader;
  const secs = (performance.now() - started) / 1000;
  return { audioSec: samples.length / rate, rtf: round(secs / (samples.length / rate), 4), finals };
}

async function benchBatchAsr(asr: BatchAsr, samples: Float32Array, rate: number) {
  const started = performance.now();
  const t = await asr.transcribe({ samples, sampleRate: rate }, { signal: AbortSignal.timeout(300_000) });
  const secs = (performance.now() - started) / 1000;
  return {
    audioSec: samples.length / rate,
    rtf: round(secs / (samples.length / rate), 4),
    words: t.text.split(/\s+/).filter(Boolean).length,
  };
}

async function benchTts(tts: TtsEngine) {
  const started = performance.now();
  let firstChunkMs: number | null = null;
  let samples = 0;
  for await (const chunk of tts.synthesize(BENCH_TEXT, { signal: AbortSignal.timeout(300_000) })) {
    firstChunkMs ??= performance.now() - started;
    samples += chunk.samples.length;
  }
  const secs = (performance.now() - started) / 1000;
  const audioSec = samples / tts.sampleRate;
  return {
    audioSec: round(audioSec, 2),
    rtf: round(secs / Math.max(audioSec, 1e-6), 4),
    firstAudioMs: round(firstChunkMs ?? 0, 1),
  };
}

/** Interleaves engine and bare-loop runs so machine noise hits both alike; compares medians. */
async function compareLlm(
  llm: LlmEngine,
  ref: ModelRef,
  o: EnginesBenchOptions,
): Promise<{ parley: LlmFigures; bare: LlmFigures; ratio: number; target: number; meetsTarget: boolean }> {
  const threads =
    o.config.engines.llm.threads > 0 ? o.config.engines.llm.threads : Number(ref.model.config.threads ?? 0) || 1;
  const contextSize = Number(ref.model.config.contextSize ?? o.config.engines.llm.contextSize);
  const bare = await bareLoop(join(ref.dir, String(ref.model.config.file)), threads, contextSize);
  // Leave room for the prompt: a small model (stories260K: 256 tokens) must not hit a context shift.
  const maxTokens = Math.min(128, Math.floor(contextSize / 2));
  const ours: LlmRun[] = [];
  const theirs: LlmRun[] = [];
  try {
    await runEngine(llm, maxTokens); // warm-up: first evaluation allocates buffers
    await bare.run(maxTokens);
    for (let i = 0; i < o.llmRuns; i++) {
      ours.push(await runEngine(llm, maxTokens));
      theirs.push(await bare.run(maxTokens));
    }
  } finally {
    await bare.dispose();
  }
  const parley = summarize(ours);
  const baseline = summarize(theirs);
  const ratio = round(parley.tokensPerSecP50 / Math.max(baseline.tokensPerSecP50, 1e-9), 3);
  return { parley, bare: baseline, ratio, target: 0.9, meetsTarget: ratio >= 0.9 };
}

/** stories260K is read in place from the fixtures folder; it is not a catalog model. */
function storiesModel(dir: string): CatalogModel {
  return {
    id: "stories260k-fixture",
    kind: "llm",
    engine: "llama-cpp",
    description: "TinyStories 260K from the test fixtures",
    license: "MIT",
    languages: ["en"],
    sizeBytes: 0,
    files: [{ path: "stories260K.gguf", url: pathToFileURL(join(dir, "stories260K.gguf")).href }],
    config: { file: "stories260K.gguf", contextSize: 256, threads: 1 },
  };
}
