/**
 * `parley bench llm`: the LLM's aggregate speed with 1, 4, 8... sequences
 * decoded together in one context, as live calls share it. Each level reads
 * the same prompt on every sequence at once (prefill), then has every sequence
 * generate a fixed number of tokens at once (decode, end-of-text ignored so
 * every model does the same work). On CPU, batching saves memory more than
 * time: the aggregate rate is what bounds how many calls can talk at once.
 */
import { getLlama, LlamaLogLevel, type LlamaContextSequence, type LlamaModel, type Token } from "node-llama-cpp";
import { round } from "./stats.js";

export interface LlmConcurrencyOptions {
  modelPath: string;
  threads: number;
  contextSize: number;
  sequences: number[];
  promptTokens: number;
  generateTokens: number;
  log: (line: string) => void;
}

export interface LlmConcurrencyLevel {
  sequences: number;
  prefillMs: number;
  prefillTokensPerSec: number;
  decodeMs: number;
  /** Generated tokens per second, all sequences together. */
  aggregateTokensPerSec: number;
  /** What one caller sees: its own tokens per second. */
  perSequenceTokensPerSec: number;
}

const PROMPT =
  "You are the receptionist of a dental practice. Answer briefly and kindly. The caller says: hello, I would like to book an appointment for Tuesday morning, if possible with doctor Smith. ";

export async function benchLlmConcurrency(
  o: LlmConcurrencyOptions,
): Promise<{ levels: LlmConcurrencyLevel[]; promptTokens: number; generateTokens: number; threads: number }> {
  const llama = await getLlama({ gpu: false, build: "never", logLevel: LlamaLogLevel.error, progressLogs: false });
  const model = await llama.loadModel({ modelPath: o.modelPath, gpuLayers: 0 });
  try {
    const prompt = promptOf(model, o.promptTokens);
    const levels: LlmConcurrencyLevel[] = [];
    for (const n of o.sequences) {
      o.log(`${n} sequence(s): ${o.promptTokens} prompt tokens each, then ${o.generateTokens} generated`);
      levels.push(await level(model, n, prompt, o));
    }
    return { levels, promptTokens: prompt.length, generateTokens: o.generateTokens, threads: o.threads };
  } finally {
    await model.dispose();
  }
}

async function level(
  model: LlamaModel,
  n: number,
  prompt: Token[],
  o: LlmConcurrencyOptions,
): Promise<LlmConcurrencyLevel> {
  const contextSize = Math.min(o.contextSize, model.trainContextSize);
  const context = await model.createContext({
    contextSize,
    sequences: n,
    threads: o.threads,
    batchSize: Math.min(512, contextSize),
  });
  try {
    const sequences = Array.from({ length: n }, () => context.getSequence());
    const t0 = performance.now();
    await Promise.all(sequences.map((s) => s.evaluateWithoutGeneratingNewTokens(prompt)));
    const prefillMs = performance.now() - t0;
    const t1 = performance.now();
    await Promise.all(sequences.map((s) => generate(s, o.generateTokens)));
    const decodeMs = performance.now() - t1;
    return {
      sequences: n,
      prefillMs: round(prefillMs, 1),
      prefillTokensPerSec: round((n * prompt.length) / (prefillMs / 1000), 1),
      decodeMs: round(decodeMs, 1),
      aggregateTokensPerSec: round((n * o.generateTokens) / (decodeMs / 1000), 1),
      perSequenceTokensPerSec: round(o.generateTokens / (decodeMs / 1000), 1),
    };
  } finally {
    await context.dispose();
  }
}

/** Generates exactly `count` tokens after what the sequence holds, through end-of-text and all. */
async function generate(sequence: LlamaContextSequence, count: number): Promise<void> {
  const last = sequence.contextTokens.slice(-1);
  let produced = 0;
  // Re-evaluating the last prompt token yields the first new one; each yield evaluates the previous token.
  await sequence.eraseContextTokenRanges([{ start: sequence.nextTokenIndex - 1, end: sequence.nextTokenIndex }]);
  for await (const _ of sequence.evaluate(last, { temperature: 0, yieldEogToken: true })) {
    void _;
    if (++produced >= count) break;
  }
}

/** The prompt repeated to exactly `tokens` tokens with the model's own tokenizer. */
function promptOf(model: LlamaModel, tokens: number): Token[] {
  const one = model.tokenize(PROMPT);
  const out: Token[] = [];
  while (out.length < tokens) out.push(...one);
  return out.slice(0, tokens);
}
