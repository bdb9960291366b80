import { getLlama, LlamaChatSession, LlamaLogLevel } from "node-llama-cpp";
import type { LlmEngine } from "../engines/types.js";
import { median, round } from "./stats.js";

export interface LlmRun {
  ttftMs: number;
  tokens: number;
  tokensPerSec: number;
}

export interface LlmFigures {
  runs: number;
  ttftMsP50: number;
  tokensPerSecP50: number;
  tokensPerRun: number;
}

const PROMPT = "Tell me a short story about a cat who wants to call a friend.";

/** Parley's engine: the full path (history conversion, slot pool, streaming deltas). */
export async function runEngine(llm: LlmEngine, maxTokens: number): Promise<LlmRun> {
  const started = performance.now();
  let first: number | null = null;
  let tokens = 0;
  for await (const d of llm.chat([{ role: "user", content: PROMPT }], {
    signal: AbortSignal.timeout(120_000),
    maxTokens,
    temperature: 0,
  })) {
    if (d.type === "text") first ??= performance.now();
    if (d.type === "done") tokens = d.usage.completionTokens;
  }
  return toRun(started, first, performance.now(), tokens);
}

/**
 * The baseline: node-llama-cpp's own chat session on the same model with the
 * same threads and context, no Parley code in between. Parley's engine must
 * reach at least 0.9x of its tokens per second.
 */
export async function bareLoop(modelPath: string, threads: number, contextSize: number) {
  const llama = await getLlama({ gpu: false, build: "never", logLevel: LlamaLogLevel.error });
  const model = await llama.loadModel({ modelPath, gpuLayers: 0 });
  const context = await model.createContext({
    contextSize: Math.min(contextSize, model.trainContextSize),
    threads,
    sequences: 1,
  });
  // No system prompt: Parley's run sends none either, and stories260K's 256-token context has no room for the default one.
  const session = new LlamaChatSession({ contextSequence: context.getSequence(), systemPrompt: "" });
  return {
    async run(maxTokens: number): Promise<LlmRun> {
      session.resetChatHistory();
      const meter = session.sequence.tokenMeter.getState();
      const started = performance.now();
      let first: number | null = null;
      await session.prompt(PROMPT, {
        maxTokens,
        temperature: 0,
        onTextChunk: () => void (first ??= performance.now()),
      });
      const tokens = session.sequence.tokenMeter.diff(meter).usedOutputTokens;
      return toRun(started, first, performance.now(), tokens);
    },
    async dispose() {
      await context.dispose();
      await model.dispose();
    },
  };
}

function toRun(started: number, first: number | null, ended: number, tokens: number): LlmRun {
  const ttft = (first ?? ended) - started;
  const decodeSec = Math.max(1e-6, (ended - (first ?? started)) / 1000);
  // The first token's time is in TTFT; the rate counts the tokens after it.
  return { ttftMs: ttft, tokens, tokensPerSec: Math.max(0, tokens - 1) / decodeSec };
}

export function summarize(runs: LlmRun[]): LlmFigures {
  return {
    runs: runs.length,
    ttftMsP50: round(median(runs.map((r) => r.ttftMs)), 2),
    tokensPerSecP50: round(median(runs.map((r) => r.tokensPerSec)), 1),
    tokensPerRun: round(median(runs.map((r) => r.tokens)), 0),
  };
}
