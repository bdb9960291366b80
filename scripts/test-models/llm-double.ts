/**
 * Cost-faithful LLM doubles: the scripted LLM (scripted-llm.ts) placed inside
 * a real model's shapes, so node-llama-cpp does the real model's work per
 * token while the replies stay exactly the tiny profile's.
 *
 *  - Same architecture and shapes: layers, embedding width, FFN width, query
 *    and KV heads, head size, vocabulary (padded with unused tokens), trained
 *    context length; weight types from llm-double-types.ts (the Q4_K_M recipe).
 *  - Layer 0, head 0 (KV head 0) holds the scripted rule lookup of
 *    llm-network.ts. Every other head and layer has random q/k/v (and biases),
 *    random ffn_gate/ffn_up, and zero attn_output/ffn_down: llama.cpp computes
 *    all of it (ggml has no sparsity shortcuts) and adds exactly zero to the
 *    residual stream, so the output is the scripted network's.
 *  - Architecture `qwen2` (q/k/v biases, NEOX RoPE) as the real Qwen2.5, or
 *    `llama` (stories260K). The scripted lanes sit at hd-4 and hd-2; under NEOX
 *    pairing those are pairs hd/2-4 and hd/2-2 (under llama's, hd/2-2 and
 *    hd/2-1), all rotating by < 1e-15 rad per position with freq_base 1e30.
 *    freq_base costs nothing either way, so the double keeps 1e30, not 1e6.
 *  - Untied output: the real Qwen2.5 ties output to token_embd, but the
 *    bigram lookup needs its own output matrix. The per-token compute is the
 *    same (the output matmul is there either way; the embedding is a row
 *    lookup); the file and resident memory grow by one vocab x width matrix.
 *
 * The file is streamed to disk tensor by tensor (gguf-writer.ts).
 */
import { z } from "zod";
import {
  floatTensor,
  gguf,
  randomTensor,
  rowTensor,
  writeGgufFile,
  zeroTensor,
  type GgufTensor,
  type GgufValue,
} from "./gguf-writer.js";
import type { StreamedFile } from "./generated-file.js";
import { seededRandom, type GgmlTypeName } from "./ggml-types.js";
import { recipeType, scriptedType, weightRecipes, type MatrixRole, type WeightRecipe } from "./llm-double-types.js";
import { ROPE_FREQ_BASE, scriptedWeights, type Entry, type NetworkPlan } from "./llm-network.js";
import { networkPlan, prepareScript, scriptedLlmArgs, tokenizerMetadata } from "./scripted-llm.js";

const positive = z.number().int().positive();

export const llmDoubleArgs = scriptedLlmArgs
  .extend({
    /** What the double stands in for, written into general.name. */
    name: z.string().min(1),
    architecture: z.enum(["qwen2", "llama"]),
    layers: positive,
    embeddingLength: positive,
    feedForwardLength: positive,
    headCount: positive,
    headCountKv: positive,
    vocabSize: positive,
    contextLength: positive,
    rmsEpsilon: z.number().positive().default(1e-6),
    weights: z.enum(weightRecipes),
    /**
     * Fill the vocabulary with Qwen2.5's text pieces (llm-prose-vocab.ts), so prompts cost the real
     * tokenizer's tokens; off, text is one token per character as in tiny (stories260K's 512 tokens hold no more).
     */
    prosePieces: z.boolean().default(false),
  })
  .strict();
export type LlmDoubleArgs = z.infer<typeof llmDoubleArgs>;

/** Magnitude of the random weights: small enough that no activation overflows F16 (the KV cache type). */
const RANDOM_SCALE: Record<WeightRecipe, number> = { f32: 0.05, q8_0: 0.001, q4_k_m: 0.0001 };

interface Shape {
  n: number;
  hd: number;
  heads: number;
  kvHeads: number;
  ff: number;
  vocab: number;
  layers: number;
}

/** Builds model.gguf (streamed) for the given shapes and script. */
export function buildLlmDouble(args: LlmDoubleArgs): StreamedFile[] {
  const shape = checkShape(args);
  const { prosePieces, ...scriptArgs } = args;
  const script = prepareScript(scriptArgs, { prose: prosePieces });
  const plan = networkPlan(script.base, script.chains);
  if (plan.dimsUsed > shape.n)
    throw new Error(`the script needs ${plan.dimsUsed} residual dimensions; the model is ${shape.n} wide`);
  if (plan.triggerDims.length > shape.hd - 4)
    throw new Error(
      `the script has ${plan.triggerDims.length} rules; a head of ${shape.hd} holds at most ${shape.hd - 4}`,
    );
  const arch = args.architecture;
  const metadata: (readonly [string, GgufValue])[] = [
    ["general.architecture", gguf.string(arch)],
    ["general.name", gguf.string(`parley-load-double: ${args.name}`)],
    [
      "general.description",
      gguf.string("Parley load double: the real model's shapes and weight types, keyword-scripted replies"),
    ],
    [`${arch}.context_length`, gguf.u32(args.contextLength)],
    [`${arch}.embedding_length`, gguf.u32(shape.n)],
    [`${arch}.block_count`, gguf.u32(shape.layers)],
    [`${arch}.feed_forward_length`, gguf.u32(shape.ff)],
    [`${arch}.attention.head_count`, gguf.u32(shape.heads)],
    [`${arch}.attention.head_count_kv`, gguf.u32(shape.kvHeads)],
    [`${arch}.attention.key_length`, gguf.u32(shape.hd)],
    [`${arch}.attention.value_length`, gguf.u32(shape.hd)],
    [`${arch}.attention.layer_norm_rms_epsilon`, gguf.f32(args.rmsEpsilon)],
    [`${arch}.rope.dimension_count`, gguf.u32(shape.hd)],
    [`${arch}.rope.freq_base`, gguf.f32(ROPE_FREQ_BASE)],
    [`${arch}.vocab_size`, gguf.u32(shape.vocab)],
    ...tokenizerMetadata(script.base, shape.vocab),
  ];
  const tensors = doubleTensors(plan, shape, args);
  return [{ name: "model.gguf", write: async (path) => void (await writeGgufFile(path, metadata, tensors)) }];
}

function checkShape(args: LlmDoubleArgs): Shape {
  const { embeddingLength: n, headCount: heads, headCountKv: kvHeads } = args;
  if (n % heads !== 0) throw new Error(`embeddingLength ${n} is not a multiple of headCount ${heads}`);
  if (heads % kvHeads !== 0) throw new Error(`headCount ${heads} is not a multiple of headCountKv ${kvHeads}`);
  const hd = n / heads;
  if (hd < 8 || hd % 2 !== 0) throw new Error(`head size ${hd} must be even and at least 8`);
  // NEOX pairs lane i with i + hd/2: the scripted lanes must not land in a fast-turning pair.
  if (args.architecture === "qwen2" && hd < 16)
    throw new Error(`qwen2 (NEOX RoPE) needs a head size of at least 16, got ${hd}`);
  return { n, hd, heads, kvHeads, ff: args.feedForwardLength, vocab: args.vocabSize, layers: args.layers };
}

function doubleTensors(plan: NetworkPlan, shape: Shape, args: LlmDoubleArgs): GgufTensor[] {
  const { n, hd, heads, kvHeads, ff, vocab, layers } = shape;
  const w = scriptedWeights(plan, n, hd);
  const type = (role: MatrixRole, layer: number, rowLength: number) =>
    recipeType(args.weights, role, layer, layers, rowLength);
  const scale = RANDOM_SCALE[args.weights];
  const ones = (name: string) => floatTensor(name, [n], new Float32Array(n).fill(1));
  const qwen = args.architecture === "qwen2";

  const tensors: GgufTensor[] = [
    rowTensor("token_embd.weight", [n, vocab], scriptedType(type("token_embd", 0, n)), (token, out) =>
      w.embed(token, out),
    ),
    ones("output_norm.weight"),
    rowTensor("output.weight", [n, vocab], scriptedType(type("output", 0, n)), (token, out) => {
      for (const [dim, value] of w.output.get(token) ?? []) out[dim] = value;
    }),
  ];
  for (let layer = 0; layer < layers; layer++) {
    const blk = `blk.${layer}`;
    const scripted = layer === 0;
    /** A projection of `inputs` -> `outputs`: the scripted entries fill the first head's rows, the rest is random. */
    const projection = (
      role: MatrixRole,
      inputs: number,
      outputs: number,
      entries: readonly Entry[],
      headRows: number,
    ) => {
      const name = `${blk}.${role}.weight`;
      if (!scripted) return randomTensor(name, [inputs, outputs], type(role, layer, inputs), scale);
      return scriptedProjection(
        name,
        [inputs, outputs],
        scriptedType(type(role, layer, inputs)),
        entries,
        headRows,
        scale,
      );
    };
    tensors.push(
      ones(`${blk}.attn_norm.weight`),
      projection("attn_q", n, heads * hd, w.q, hd),
      projection("attn_k", n, kvHeads * hd, w.k, hd),
      projection("attn_v", n, kvHeads * hd, w.v, hd),
    );
    if (qwen) {
      // Biases exist in qwen2 (llama.cpp requires them); the scripted heads get zero bias.
      const bias = (name: string, length: number, scriptedRows: number) =>
        floatTensor(name, [length], randomVector(name, length, scale, scripted ? scriptedRows : 0));
      tensors.push(
        bias(`${blk}.attn_q.bias`, heads * hd, hd),
        bias(`${blk}.attn_k.bias`, kvHeads * hd, hd),
        bias(`${blk}.attn_v.bias`, kvHeads * hd, hd),
      );
    }
    const outputType = type("attn_output", layer, heads * hd);
    tensors.push(
      scripted
        ? rowTensor(`${blk}.attn_output.weight`, [heads * hd, n], scriptedType(outputType), entryRows(w.o))
        : zeroTensor(`${blk}.attn_output.weight`, [heads * hd, n], outputType),
      ones(`${blk}.ffn_norm.weight`),
      randomTensor(`${blk}.ffn_gate.weight`, [n, ff], type("ffn_gate", layer, n), scale),
      randomTensor(`${blk}.ffn_up.weight`, [n, ff], type("ffn_up", layer, n), scale),
      zeroTensor(`${blk}.ffn_down.weight`, [ff, n], type("ffn_down", layer, ff)),
    );
  }
  return tensors;
}

/** Rows [0, headRows) hold the scripted entries (the rest of those rows zero); later rows (other heads) are random floats. */
function scriptedProjection(
  name: string,
  dims: [number, number],
  type: GgmlTypeName,
  entries: readonly Entry[],
  headRows: number,
  scale: number,
): GgufTensor {
  const byRow = entryRows(entries);
  const random = randomVectorSource(name, scale);
  return rowTensor(name, dims, type, (row, out) => (row < headRows ? byRow(row, out) : random(out)));
}

/** A row filler from sparse (row, col, value) entries. */
function entryRows(entries: readonly Entry[]): (row: number, out: Float32Array) => void {
  const rows = new Map<number, Entry[]>();
  for (const e of entries) rows.set(e[0], [...(rows.get(e[0]) ?? []), e]);
  return (row, out) => {
    for (const [, col, value] of rows.get(row) ?? []) out[col] = value;
  };
}

/** Uniform random values in [-scale, scale], seeded by name; the first `zeros` stay zero. */
function randomVector(name: string, length: number, scale: number, zeros: number): Float32Array {
  const v = new Float32Array(length);
  randomVectorSource(name, scale)(v.subarray(zeros));
  return v;
}

function randomVectorSource(name: string, scale: number): (out: Float32Array) => void {
  const random = seededRandom(name);
  return (out) => {
    for (let i = 0; i < out.length; i++) out[i] = ((random() / 0xffffffff) * 2 - 1) * scale;
  };
}
