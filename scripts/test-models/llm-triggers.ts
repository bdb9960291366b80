/**
 * Vocabulary pieces that make each trigger word a single token, and only as
 * a whole word. llama.cpp's SPM tokenizer starts from characters and keeps
 * merging the adjacent pair whose concatenation is a piece with the highest
 * score (leftmost on ties). Three tiers of pieces, per casing of the word
 * ("back", "Back", "BACK"):
 *
 *  1. chain: every prefix ("ba", "bac", "back"). SPM only builds a piece
 *     through pieces, and a prefix chain absorbs whatever its right
 *     neighbour has become, so the word always completes first.
 *  2. extension: the word plus one word character on either side ("lback",
 *     "backs"). They turn the finished word into an ordinary token when it
 *     is part of a longer word, as in "callback" or "backs".
 *  3. spaced: "▁back", the word after a space. It scores lowest, so a word
 *     that continues ("▁backs") is extended before the space can claim it.
 *
 * The trigger tokens are tier 3 and the bare word itself (which stands
 * alone at the start of a message and after punctuation or a newline).
 */
import { SPACE } from "./llm-vocab.js";

/** Characters that continue a word: a trigger must not match inside a longer word made of these. */
export const WORD_CHARS = [..."abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_"];

/** A trigger as written in the rules: letters, digits, inner underscores; two characters or more. */
export const TRIGGER_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_]*[A-Za-z0-9]$/;

export const TriggerScore = { chain: 0, extension: -1, spaced: -2 } as const;

export interface TriggerPiece {
  piece: string;
  score: number;
}

const capitalise = (w: string): string => w.charAt(0).toUpperCase() + w.slice(1);

/** The casings of a trigger that count as the same word. */
export function casings(word: string): string[] {
  const lower = word.toLowerCase();
  return [...new Set([lower, capitalise(lower), lower.toUpperCase()])];
}

/** The tokens that mean this trigger: each casing bare and after a space. */
export function triggerForms(word: string): string[] {
  return casings(word).flatMap((w) => [w, SPACE + w]);
}

/** All prefixes of a piece that are two characters or longer, ending with the piece itself. */
export function chainPieces(piece: string): string[] {
  const chars = [...piece];
  return chars.slice(1).map((_, i) => chars.slice(0, i + 2).join(""));
}

/** Every piece one trigger word needs, with the score that orders its merges. */
export function triggerPieces(word: string): TriggerPiece[] {
  return casings(word).flatMap((w) => [
    ...chainPieces(w).map((piece) => ({ piece, score: TriggerScore.chain })),
    ...WORD_CHARS.flatMap((c) => [
      { piece: c + w, score: TriggerScore.extension },
      { piece: w + c, score: TriggerScore.extension },
    ]),
    { piece: SPACE + w, score: TriggerScore.spaced },
  ]);
}
