/**
 * Ordinary-text pieces for the load doubles' vocabulary, so a prompt costs
 * the real model's number of tokens. The scripted vocabulary alone cuts text
 * into single characters (one token per character, where Qwen2.5's BPE
 * averages about four characters per token on English), and a load double
 * would prefill about four times the real model's tokens.
 *
 * The pieces are Qwen2.5's own printable-ASCII BPE pieces (qwen-pieces.ts),
 * scored by merge order between the trigger tiers and the characters: SPM
 * merges the highest-scoring pair first, so it replays BPE's merges, and it
 * makes every trigger-tier merge (llm-triggers.ts) before any prose merge.
 * Left out, so the script keeps its tokens:
 *  - a piece that contains a trigger word in any of its casings (a prose
 *    piece could otherwise swallow a finished trigger token, "▁back" +
 *    "ward");
 *  - a piece with "(" or ")": the function call's "(" must stay a token of
 *    its own after the name when node-llama-cpp re-tokenizes "||call: name(".
 * Newlines are not printable ASCII, so no piece holds one: the final "\n"
 * of "<|im_start|>assistant\n" and of a function result stays the newline
 * token. A left-out piece's descendants contain it too, so what is kept is
 * still closed under SPM's chain rule.
 */
import { QWEN_PIECES } from "./qwen-pieces.js";
import { casings } from "./llm-triggers.js";

/** Prose scores lie in (CHAR, TRIGGER_LOWEST): below every trigger tier, above the characters. */
const TOP = -3;
const BOTTOM = -99;

export interface ProsePiece {
  piece: string;
  score: number;
}

/** The prose pieces for a script with these trigger words, highest score (earliest merge) first. */
export function prosePieces(triggerWords: readonly string[]): ProsePiece[] {
  const blocked = triggerWords.flatMap(casings);
  const kept = QWEN_PIECES.filter((p) => !/[()]/.test(p) && !blocked.some((w) => p.includes(w)));
  // Scores are stored as f32 in the GGUF: round here so the emulation orders merges as llama.cpp does.
  return kept.map((piece, rank) => ({ piece, score: Math.fround(TOP + ((BOTTOM - TOP) * rank) / kept.length) }));
}
