/**
 * The weights of the scripted LLM: a one-layer llama whose behaviour is
 * written by hand.
 *
 * Residual stream. Each token embeds as two ones: a shared BIAS dimension and
 * the dimension of its class (its own for reply-chain tokens; one per rule for
 * trigger words; SINK for <s> and <|im_start|>; NL for "\n"; OTHER for the
 * rest). Every embedding has the same norm, so RMSNorm scales them all by the
 * same s = sqrt(nEmbd / 2), which the projections divide back out.
 *
 * Bigram output. output.weight maps a class dimension to the next token of
 * its reply chain, and BIAS weakly to <|im_end|>, so a token with no scripted
 * successor stops generation.
 *
 * Rule lookup. One attention head. Every query looks for the sinks (score S)
 * and finds a zero value there, so attention leaves most positions alone. The
 * query of "\n" (end of "<|im_start|>assistant\n", and of a function result)
 * instead looks for trigger words: rule r's triggers score S·(R - r + 1), the
 * sinks S, everything else 0. With S = 30 the softmax is an argmax: the
 * highest-priority rule whose trigger is in the prompt gets weight ~1, and its
 * value writes 1 into that rule's selector dimension; with no trigger the
 * sinks win and nothing is written. output.weight maps selector r to the first
 * token of reply r more strongly than NL maps to the default reply.
 *
 * RoPE. llama.cpp's llama graph rotates the whole head (rope.dimension_count
 * must equal the head size). With freq_base = 1e30, pair i turns by
 * pos · 1e30^(-2i/hd) radians, so only pair 0 moves noticeably; it is left
 * empty and the two lookup lanes sit in the two slowest pairs, where positions
 * up to the context length turn them by less than 1e-20 radians.
 */
import type { GgufTensor } from "./gguf-writer.js";

/** The roles a generator assigns before weights are written. */
export interface NetworkPlan {
  vocabSize: number;
  /** Token id -> residual dimension of its class. */
  classOf: readonly number[];
  /** Number of residual dimensions in use (before padding). */
  dimsUsed: number;
  biasDim: number;
  /** Trigger-class dimension of each rule, in priority order. */
  triggerDims: readonly number[];
  /** Selector dimension of each rule. */
  selectorDims: readonly number[];
  sinkDim: number;
  newlineDim: number;
  /** Bigram successor of a class dimension (a token id). */
  next: ReadonlyMap<number, number>;
  /** First token of each rule's reply. */
  ruleFirst: readonly number[];
  stopToken: number;
}

export interface Hyperparameters {
  embeddingLength: number;
  headDim: number;
  feedForwardLength: number;
  ropeFreqBase: number;
}

/** Score unit: the softmax margin between a wanted key and the next best. */
const SCORE_UNIT = 30;
const NEXT_WEIGHT = 1;
const SELECT_WEIGHT = 3;
const STOP_BIAS = 0.5;
const FEED_FORWARD = 32;
export const ROPE_FREQ_BASE = 1e30;

/** Embedding width padded to a multiple of 32, head size even and wide enough for one value lane per rule. */
export function hyperparameters(plan: NetworkPlan): Hyperparameters {
  const rules = plan.triggerDims.length;
  return {
    embeddingLength: Math.ceil(plan.dimsUsed / 32) * 32,
    headDim: Math.max(16, rules + (rules % 2)),
    feedForwardLength: FEED_FORWARD,
    ropeFreqBase: ROPE_FREQ_BASE,
  };
}

/** A row-major matrix in ggml layout: `rows` outputs of `cols` inputs, dims [cols, rows]. */
class Matrix {
  readonly data: Float32Array;
  constructor(readonly cols: number, readonly rows: number) {
    this.data = new Float32Array(cols * rows);
  }
  set(row: number, col: number, value: number): void {
    if (row < 0 || row >= this.rows || col < 0 || col >= this.cols) throw new Error(`weight index (${row}, ${col}) out of range`);
    this.data[row * this.cols + col] = value;
  }
  tensor(name: string): GgufTensor {
    return { name, dims: [this.cols, this.rows], data: this.data };
  }
}

const filled = (name: string, length: number, value: number): GgufTensor => ({ name, dims: [length], data: new Float32Array(length).fill(value) });

/** All tensors of the model, in the order llama.cpp names them. */
export function buildTensors(plan: NetworkPlan): GgufTensor[] {
  const { embeddingLength: n, headDim: hd, feedForwardLength: ff } = hyperparameters(plan);
  const rules = plan.triggerDims.length;
  const s = Math.sqrt(n / 2);
  const queryGain = SCORE_UNIT * Math.sqrt(hd); // cancels llama.cpp's 1/sqrt(head size) score scale
  const triggerLane = hd - 2;
  const sinkLane = hd - 4;

  const embeddings = new Matrix(n, plan.vocabSize);
  plan.classOf.forEach((dim, token) => {
    embeddings.set(token, plan.biasDim, 1);
    embeddings.set(token, dim, 1);
  });

  const wq = new Matrix(n, hd);
  wq.set(sinkLane, plan.biasDim, queryGain / s);
  wq.set(sinkLane, plan.newlineDim, -queryGain / s);
  wq.set(triggerLane, plan.newlineDim, queryGain / s);

  const wk = new Matrix(n, hd);
  wk.set(sinkLane, plan.sinkDim, 1 / s);
  wk.set(triggerLane, plan.sinkDim, 1 / s);
  const wv = new Matrix(n, hd);
  const wo = new Matrix(hd, n);
  plan.triggerDims.forEach((dim, rule) => {
    wk.set(triggerLane, dim, (rules - rule + 1) / s);
    wv.set(rule, dim, 1 / s);
    wo.set(plan.selectorDims[rule] ?? -1, rule, 1);
  });

  const output = new Matrix(n, plan.vocabSize);
  for (const [dim, token] of plan.next) output.set(token, dim, NEXT_WEIGHT);
  plan.ruleFirst.forEach((token, rule) => output.set(token, plan.selectorDims[rule] ?? -1, SELECT_WEIGHT));
  output.set(plan.stopToken, plan.biasDim, STOP_BIAS);

  return [
    embeddings.tensor("token_embd.weight"),
    filled("output_norm.weight", n, 1),
    output.tensor("output.weight"),
    filled("blk.0.attn_norm.weight", n, 1),
    wq.tensor("blk.0.attn_q.weight"),
    wk.tensor("blk.0.attn_k.weight"),
    wv.tensor("blk.0.attn_v.weight"),
    wo.tensor("blk.0.attn_output.weight"),
    filled("blk.0.ffn_norm.weight", n, 1),
    // The feed-forward block must exist but contributes nothing (ffn_down is zero).
    new Matrix(n, ff).tensor("blk.0.ffn_gate.weight"),
    new Matrix(n, ff).tensor("blk.0.ffn_up.weight"),
    new Matrix(ff, n).tensor("blk.0.ffn_down.weight"),
  ];
}
