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
import { floatTensor, type GgufTensor } from "./gguf-writer.js";

/** The roles a generator assigns before weights are written. */
export interface NetworkPlan {
  vocabSize: number;
  /** Token id -> residual dimension of its class. */
  classOf: readonly number[];
  /** Number of residual dimensions in use (before padding). */
  dimsUsed: number;
  biasDim: number;
  /** Class of tokens with no role (and of padding tokens a wider vocabulary adds). */
  otherDim: number;
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
  constructor(
    readonly cols: number,
    readonly rows: number,
  ) {
    this.data = new Float32Array(cols * rows);
  }
  set(row: number, col: number, value: number): void {
    if (row < 0 || row >= this.rows || col < 0 || col >= this.cols)
      throw new Error(`weight index (${row}, ${col}) out of range`);
    this.data[row * this.cols + col] = value;
  }
  tensor(name: string): GgufTensor {
    return floatTensor(name, [this.cols, this.rows], this.data);
  }
}

const filled = (name: string, length: number, value: number): GgufTensor =>
  floatTensor(name, [length], new Float32Array(length).fill(value));

/** One weight: (row, col, value) in ggml's [cols, rows] layout, i.e. output `row` reads input `col`. */
export type Entry = readonly [row: number, col: number, value: number];

/**
 * The hand-written weights, as sparse entries so a wider model (the load
 * doubles) can place them in its first head: q/k/v rows are lanes of head 0
 * (and KV head 0), o's columns are lanes of head 0, rows of o and columns of
 * q/k/v are residual dimensions. `n` is the embedding width, `hd` the head size.
 */
export interface ScriptedWeights {
  q: Entry[];
  k: Entry[];
  v: Entry[];
  o: Entry[];
  /** Output rows per token: (residual dim, weight). */
  output: Map<number, [number, number][]>;
  /** Embedding row of a token (padding tokens past the plan's vocabulary embed as OTHER). */
  embed(token: number, out: Float32Array): void;
}

export function scriptedWeights(plan: NetworkPlan, n: number, hd: number): ScriptedWeights {
  const rules = plan.triggerDims.length;
  const s = Math.sqrt(n / 2);
  const queryGain = SCORE_UNIT * Math.sqrt(hd); // cancels llama.cpp's 1/sqrt(head size) score scale
  const triggerLane = hd - 2;
  const sinkLane = hd - 4;
  const q: Entry[] = [
    [sinkLane, plan.biasDim, queryGain / s],
    [sinkLane, plan.newlineDim, -queryGain / s],
    [triggerLane, plan.newlineDim, queryGain / s],
  ];
  const k: Entry[] = [
    [sinkLane, plan.sinkDim, 1 / s],
    [triggerLane, plan.sinkDim, 1 / s],
  ];
  const v: Entry[] = [];
  const o: Entry[] = [];
  plan.triggerDims.forEach((dim, rule) => {
    k.push([triggerLane, dim, (rules - rule + 1) / s]);
    v.push([rule, dim, 1 / s]);
    o.push([plan.selectorDims[rule] ?? -1, rule, 1]);
  });
  const output = new Map<number, [number, number][]>();
  const add = (token: number, dim: number, w: number) => {
    const row = output.get(token) ?? [];
    const same = row.find((e) => e[0] === dim);
    if (same) same[1] = w;
    else row.push([dim, w]);
    output.set(token, row);
  };
  for (const [dim, token] of plan.next) add(token, dim, NEXT_WEIGHT);
  plan.ruleFirst.forEach((token, rule) => add(token, plan.selectorDims[rule] ?? -1, SELECT_WEIGHT));
  add(plan.stopToken, plan.biasDim, STOP_BIAS);
  const embed = (token: number, out: Float32Array) => {
    out[plan.biasDim] = 1;
    out[plan.classOf[token] ?? plan.otherDim] = 1;
  };
  return { q, k, v, o, output, embed };
}

/** All tensors of the tiny model, in the order llama.cpp names them. */
export function buildTensors(plan: NetworkPlan): GgufTensor[] {
  const { embeddingLength: n, headDim: hd, feedForwardLength: ff } = hyperparameters(plan);
  const w = scriptedWeights(plan, n, hd);
  const fromEntries = (cols: number, rows: number, entries: readonly Entry[]) => {
    const m = new Matrix(cols, rows);
    for (const [row, col, value] of entries) m.set(row, col, value);
    return m;
  };

  const embeddings = new Matrix(n, plan.vocabSize);
  for (let token = 0; token < plan.vocabSize; token++)
    w.embed(token, embeddings.data.subarray(token * n, (token + 1) * n));
  const output = new Matrix(n, plan.vocabSize);
  for (const [token, row] of w.output) for (const [dim, value] of row) output.set(token, dim, value);

  return [
    embeddings.tensor("token_embd.weight"),
    filled("output_norm.weight", n, 1),
    output.tensor("output.weight"),
    filled("blk.0.attn_norm.weight", n, 1),
    fromEntries(n, hd, w.q).tensor("blk.0.attn_q.weight"),
    fromEntries(n, hd, w.k).tensor("blk.0.attn_k.weight"),
    fromEntries(n, hd, w.v).tensor("blk.0.attn_v.weight"),
    fromEntries(hd, n, w.o).tensor("blk.0.attn_output.weight"),
    filled("blk.0.ffn_norm.weight", n, 1),
    // The feed-forward block must exist but contributes nothing (ffn_down is zero).
    new Matrix(n, ff).tensor("blk.0.ffn_gate.weight"),
    new Matrix(n, ff).tensor("blk.0.ffn_up.weight"),
    new Matrix(ff, n).tensor("blk.0.ffn_down.weight"),
  ];
}
