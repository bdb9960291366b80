/**
 * Which ggml type each tensor of an LLM double gets. `q4_k_m` follows
 * llama.cpp's llama-quantize recipe for Q4_K_M (src/llama-quant.cpp,
 * llama_tensor_get_type), which is how the real Qwen2.5 GGUFs in the catalog
 * were made:
 *  - output.weight (and token_embd.weight when the embeddings are tied): Q6_K;
 *  - attn_v and ffn_down: Q6_K in the layers `useMoreBits` picks (the first
 *    and last eighth, and every third layer between), Q4_K elsewhere;
 *  - every other matrix Q4_K; norms and biases F32;
 *  - a row length that is not a multiple of 256 (Qwen2.5-0.5B's 896) cannot
 *    hold K-quant blocks, so llama-quantize falls back: Q4_K -> Q5_0,
 *    Q6_K -> Q8_0. The 0.5B file is therefore mostly Q5_0 and Q8_0, with
 *    Q4_K/Q6_K only in ffn_down (row length 4,864 = 19 x 256).
 * The scripted tensors (token_embd, output, layer 0's attention) must keep
 * their hand-set values: a type this writer can only fill with random blocks
 * (Q4_K, Q5_0, Q4_0) is replaced there by Q8_0, which is symmetric and exact
 * to fp16 rounding (see ggml-types.ts). That costs one layer's four attention
 * matrices at 8.5 instead of 4.5-5.5 bits per weight: under 1 % of the bytes
 * read per token.
 */
import { fitsRow, type GgmlTypeName } from "./ggml-types.js";

export const weightRecipes = ["q4_k_m", "q8_0", "f32"] as const;
export type WeightRecipe = (typeof weightRecipes)[number];

export type MatrixRole =
  "token_embd" | "output" | "attn_q" | "attn_k" | "attn_v" | "attn_output" | "ffn_gate" | "ffn_up" | "ffn_down";

/** llama-quantize's use_more_bits: the layers that get the larger type in Q4_K_M. */
export function useMoreBits(layer: number, layers: number): boolean {
  const eighth = Math.floor(layers / 8); // C integer division, as in llama.cpp
  return layer < eighth || layer >= Math.floor((7 * layers) / 8) || (layer - eighth) % 3 === 2;
}

const FALLBACK: Partial<Record<GgmlTypeName, GgmlTypeName>> = { Q4_K: "Q5_0", Q6_K: "Q8_0" };

/** The type llama-quantize would give this matrix (row length `rowLength`) under the recipe. */
export function recipeType(
  recipe: WeightRecipe,
  role: MatrixRole,
  layer: number,
  layers: number,
  rowLength: number,
): GgmlTypeName {
  if (recipe === "f32") return "F32";
  if (recipe === "q8_0") return "Q8_0";
  let type: GgmlTypeName = "Q4_K";
  if (role === "output" || role === "token_embd") type = "Q6_K";
  else if ((role === "attn_v" || role === "ffn_down") && useMoreBits(layer, layers)) type = "Q6_K";
  return fitsRow(type, rowLength) ? type : (FALLBACK[type] ?? "Q8_0");
}

/** Types the writer can fill from float values; the scripted tensors need one of these. */
const FLOAT_QUANTIZABLE: readonly GgmlTypeName[] = ["F32", "F16", "Q8_0", "Q6_K"];

/** The recipe's type for a scripted tensor, or Q8_0 where the writer cannot quantize floats into it. */
export function scriptedType(recipeChoice: GgmlTypeName): GgmlTypeName {
  return FLOAT_QUANTIZABLE.includes(recipeChoice) ? recipeChoice : "Q8_0";
}
