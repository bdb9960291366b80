/**
 * A deterministic text-embedding model: a BERT-architecture GGUF with mean
 * pooling (the architecture of bge and most small embedding models) that
 * node-llama-cpp runs through its embedding context like any real one, and
 * whose vectors are a weighted bag of word pieces: texts that share words
 * (or word prefixes) are close, others are not. Lexical, not semantic.
 *
 * How it works:
 *  - Vocabulary: embed-vocab.ts (WordPiece; a word's first piece is its
 *    three-letter prefix).
 *  - token_embd (embeddingRow): dimensions 0 and 1 hold +c and -c, the others
 *    w · u, where u is a balanced random-sign unit vector seeded by the
 *    piece's text and w the piece's weight (pieceWeight). Every row has mean 0
 *    and the same mean square, so each LayerNorm scales every token by the
 *    same factor (position and token-type embeddings are zero), and the last
 *    LayerNorm's gain drops dimensions 0 and 1: each token's output is exactly
 *    proportional to w · u. Specials and [UNK] (w = 0) contribute nothing.
 *  - Blocks: attention and feed-forward exist (llama.cpp requires them);
 *    attn_output and ffn_down and every bias are zero, so the residual stream
 *    stays the token embedding. q/k/v and ffn_up are zero in `tiny`; a cost
 *    double (embed-double) fills them with small random weights, so llama.cpp
 *    does a real model's work per token and still adds exactly zero.
 *  - Pooling: bert.pooling_type = 1 (mean): the text's vector is the mean of
 *    its tokens' outputs, so cosine similarity is the weighted overlap of the
 *    two texts' pieces, plus noise of about 1/sqrt(width) per pair.
 *  - No output head: BERT has none, so a token costs only its layers.
 */
import { z } from "zod";
import {
  encodeGguf,
  floatTensor,
  gguf,
  randomTensor,
  writeGgufFile,
  zeroTensor,
  type GgufTensor,
  type GgufValue,
} from "./gguf-writer.js";
import type { GeneratedFile, StreamedFile } from "./generated-file.js";
import { seededRandom, toHalf } from "./ggml-types.js";
import { buildEmbedVocab, STOP_WORDS, type EmbedVocab } from "./embed-vocab.js";
import { SPACE } from "./llm-vocab.js";

const positive = z.number().int().positive();

const shapeArgs = {
  /** Written into general.name (a cost double names what it stands in for). */
  name: z.string().min(1),
  embeddingLength: positive.multipleOf(32),
  layers: positive,
  headCount: positive,
  feedForwardLength: positive.multipleOf(32),
  contextLength: positive,
};

/** The tiny profile's model: every shape has a default, the blocks are all zero. */
export const hashedEmbedArgs = z
  .object({
    name: shapeArgs.name.default("parley-hashed-embed"),
    embeddingLength: shapeArgs.embeddingLength.default(256),
    layers: shapeArgs.layers.default(1),
    headCount: shapeArgs.headCount.default(4),
    feedForwardLength: shapeArgs.feedForwardLength.default(64),
    contextLength: shapeArgs.contextLength.default(2048),
  })
  .strict()
  .refine((a) => a.embeddingLength % a.headCount === 0, {
    message: "embeddingLength must be a multiple of headCount",
    path: ["headCount"],
  });
export type HashedEmbedArgs = z.infer<typeof hashedEmbedArgs>;

/** A cost double of a real embedding model: its shapes and weight type, with random (cost-only) q/k/v/up weights. */
export const embedDoubleArgs = z
  .object({ ...shapeArgs, weights: z.enum(["f16", "q8_0"]) })
  .strict()
  .refine((a) => a.embeddingLength % a.headCount === 0, {
    message: "embeddingLength must be a multiple of headCount",
    path: ["headCount"],
  });
export type EmbedDoubleArgs = z.infer<typeof embedDoubleArgs>;

type Shape = HashedEmbedArgs & { random: boolean; weights: "f16" | "q8_0" };

const STOP = new Set(STOP_WORDS);

/**
 * How much a piece counts: a word's first piece most (by length), a
 * continuation less, function words little. An inverse-document-frequency
 * guess made without any corpus.
 */
export function pieceWeight(piece: string): number {
  const start = piece.startsWith(SPACE);
  const text = start ? piece.slice(1) : piece;
  if (start && STOP.has(text)) return 0.15;
  if (/^\d+$/.test(text)) return start ? 1 : 0.5;
  const byLength = [0, 0.6, 0.8, 1][text.length] ?? 1;
  return start ? byLength : byLength * 0.5;
}

/** Halves of the few distinct values a row holds, so 9 million weights are not each converted afresh. */
const halves = new Map<number, number>();
function half(value: number): number {
  let h = halves.get(value);
  if (h === undefined) {
    h = toHalf(value);
    halves.set(value, h);
  }
  return h;
}

/**
 * One token's embedding row as F16 bits: dimensions 0 and 1 hold +c and -c,
 * the rest w · u with exactly as many + as - signs (a seeded shuffle), so
 * every row has mean 0 and mean square 1/width whatever w is: LayerNorm then
 * scales every token alike, with 2c² + w² = 1.
 */
export function embeddingRow(vocab: EmbedVocab, token: number, out: Uint16Array): void {
  const width = out.length;
  const piece = vocab.pieces[token] ?? "";
  const special = token === vocab.pad || token === vocab.unknown || token === vocab.cls || token === vocab.sep;
  const w = special ? 0 : pieceWeight(piece);
  const c = Math.sqrt((1 - w * w) / 2);
  out[0] = half(c);
  out[1] = half(-c);
  const rest = width - 2;
  const signs = new Int8Array(rest).fill(1).fill(-1, rest / 2);
  const random = seededRandom(`piece:${piece}`);
  for (let i = rest - 1; i > 0; i--) {
    const j = random() % (i + 1);
    const t = signs[i]!;
    signs[i] = signs[j]!;
    signs[j] = t;
  }
  const plus = half(w / Math.sqrt(rest));
  const minus = half(-w / Math.sqrt(rest));
  for (let i = 0; i < rest; i++) out[i + 2] = signs[i]! > 0 ? plus : minus;
}

function tokenEmbeddings(vocab: EmbedVocab, width: number): GgufTensor {
  return {
    name: "token_embd.weight",
    dims: [width, vocab.pieces.length],
    type: "F16",
    encode(first, count, out) {
      const rows = new Uint16Array(out.buffer, out.byteOffset, count * width);
      for (let r = 0; r < count; r++) embeddingRow(vocab, first + r, rows.subarray(r * width, (r + 1) * width));
    },
  };
}

function tensors(args: Shape, vocab: EmbedVocab): GgufTensor[] {
  const n = args.embeddingLength;
  const ff = args.feedForwardLength;
  const filled = (name: string, length: number, value: number) =>
    floatTensor(name, [length], new Float32Array(length).fill(value));
  const norm = (name: string, last = false) => {
    const gain = new Float32Array(n).fill(1);
    // The last LayerNorm drops the two balancing dimensions: what is left is w · u, times sqrt(width).
    if (last) gain.fill(0, 0, 2);
    return [floatTensor(`${name}.weight`, [n], gain), filled(`${name}.bias`, n, 0)];
  };
  const type = args.weights === "q8_0" ? "Q8_0" : "F16";
  // Cost-only weights: small, so no activation overflows F16; their results are multiplied by zero.
  const active = (name: string, dims: number[]) =>
    args.random ? randomTensor(name, dims, type, 0.02) : zeroTensor(name, dims, type);
  const zero = (name: string, dims: number[]) => zeroTensor(name, dims, type);
  const blocks = Array.from({ length: args.layers }, (_, l) => [
    active(`blk.${l}.attn_q.weight`, [n, n]),
    filled(`blk.${l}.attn_q.bias`, n, 0),
    active(`blk.${l}.attn_k.weight`, [n, n]),
    filled(`blk.${l}.attn_k.bias`, n, 0),
    active(`blk.${l}.attn_v.weight`, [n, n]),
    filled(`blk.${l}.attn_v.bias`, n, 0),
    zero(`blk.${l}.attn_output.weight`, [n, n]),
    filled(`blk.${l}.attn_output.bias`, n, 0),
    ...norm(`blk.${l}.attn_output_norm`),
    active(`blk.${l}.ffn_up.weight`, [n, ff]),
    filled(`blk.${l}.ffn_up.bias`, ff, 0),
    zero(`blk.${l}.ffn_down.weight`, [ff, n]),
    filled(`blk.${l}.ffn_down.bias`, n, 0),
    ...norm(`blk.${l}.layer_output_norm`, l === args.layers - 1),
  ]).flat();
  return [
    tokenEmbeddings(vocab, n),
    zeroTensor("token_types.weight", [n, 2], "F32"),
    zeroTensor("position_embd.weight", [n, args.contextLength], "F16"),
    ...norm("token_embd_norm"),
    ...blocks,
  ];
}

function metadata(args: Shape, vocab: EmbedVocab): (readonly [string, GgufValue])[] {
  return [
    ["general.architecture", gguf.string("bert")],
    ["general.name", gguf.string(args.name)],
    [
      "general.description",
      gguf.string("Parley test double: a hashed bag-of-word-pieces embedding, not a language model"),
    ],
    ["bert.context_length", gguf.u32(args.contextLength)],
    ["bert.embedding_length", gguf.u32(args.embeddingLength)],
    ["bert.block_count", gguf.u32(args.layers)],
    ["bert.feed_forward_length", gguf.u32(args.feedForwardLength)],
    ["bert.attention.head_count", gguf.u32(args.headCount)],
    ["bert.attention.layer_norm_epsilon", gguf.f32(1e-12)],
    ["bert.attention.causal", gguf.bool(false)],
    ["bert.pooling_type", gguf.u32(1)],
    ["tokenizer.ggml.model", gguf.string("bert")],
    ["tokenizer.ggml.tokens", gguf.strings(vocab.pieces)],
    ["tokenizer.ggml.token_type", gguf.numbers("i32", vocab.types)],
    ["tokenizer.ggml.token_type_count", gguf.u32(2)],
    ["tokenizer.ggml.bos_token_id", gguf.u32(vocab.cls)],
    ["tokenizer.ggml.seperator_token_id", gguf.u32(vocab.sep)], // llama.cpp's spelling
    ["tokenizer.ggml.padding_token_id", gguf.u32(vocab.pad)],
    ["tokenizer.ggml.unknown_token_id", gguf.u32(vocab.unknown)],
  ];
}

/** The tiny model, in memory (about 19 MB at width 256). */
export function buildHashedEmbed(args: HashedEmbedArgs): GeneratedFile[] {
  const vocab = buildEmbedVocab();
  const shape = { ...args, random: false, weights: "f16" as const };
  return [{ name: "model.gguf", data: encodeGguf(metadata(shape, vocab), tensors(shape, vocab)) }];
}

/** A cost double, streamed to disk. */
export function buildEmbedDouble(args: EmbedDoubleArgs): StreamedFile[] {
  const vocab = buildEmbedVocab();
  const shape = { ...args, random: true };
  return [
    {
      name: "model.gguf",
      write: async (path) => void (await writeGgufFile(path, metadata(shape, vocab), tensors(shape, vocab))),
    },
  ];
}
