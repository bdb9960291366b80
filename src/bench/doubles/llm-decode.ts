import { getLlama, LlamaLogLevel, type LlamaContext, type LlamaModel, type Token } from "node-llama-cpp";

/** One repetition of forced decoding: the same tokens whatever the model predicts. */
export interface DecodeRun {
  prefillTokensPerSec: number;
  decodeTokensPerSec: number;
}

export interface DecodeOptions {
  threads: number;
  contextSize: number;
  /** Tokens evaluated as one batch before decoding. */
  prefill: number;
  /** Tokens decoded one at a time, each with logits and a greedy sample over the whole vocabulary. */
  decode: number;
  /** Token ids to cycle through (present in every model compared). */
  tokenIds: readonly number[];
}

/**
 * A model opened for forced decoding: `run` clears the sequence, prefills a
 * fixed prompt, then feeds a fixed token at a time, asking llama.cpp for the
 * logits and a sampled next token each step (as generation does), so every
 * model compared does the same number of steps of the same kind.
 */
export async function openDecoder(modelPath: string, o: DecodeOptions) {
  const llama = await getLlama({ gpu: false, build: "never", logLevel: LlamaLogLevel.error });
  const model: LlamaModel = await llama.loadModel({ modelPath, gpuLayers: 0 });
  const context: LlamaContext = await model.createContext({
    contextSize: o.contextSize,
    threads: o.threads,
    sequences: 1,
  });
  const sequence = context.getSequence();
  const token = (i: number) => o.tokenIds[i % o.tokenIds.length]! as Token;
  let position = 0;
  const prefill = async (): Promise<number> => {
    await sequence.clearHistory();
    const prompt = Array.from({ length: o.prefill }, (_, i) => token(i));
    const t0 = performance.now();
    await sequence.controlledEvaluate(
      prompt.map((t, i) => (i === prompt.length - 1 ? ([t, { generateNext: { token: true } }] as const) : t)),
    );
    position = o.prefill;
    return performance.now() - t0;
  };
  return {
    /** A fresh sequence: prefill, then `decode` tokens. */
    async run(): Promise<DecodeRun> {
      const prefillMs = await prefill();
      const decodeMs = await this.block(o.decode);
      return { prefillTokensPerSec: (o.prefill * 1000) / prefillMs, decodeTokensPerSec: (o.decode * 1000) / decodeMs };
    },
    /** Decodes `count` more tokens on the current sequence (starting over when the context would fill); returns the ms spent decoding. */
    async block(count: number): Promise<number> {
      if (position === 0 || position + count >= o.contextSize) await prefill();
      const t0 = performance.now();
      for (let i = 0; i < count; i++)
        await sequence.controlledEvaluate([[token(position++), { generateNext: { token: true } }]]);
      return performance.now() - t0;
    },
    async dispose() {
      await context.dispose();
      await model.dispose();
    },
  };
}
