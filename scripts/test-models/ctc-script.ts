/**
 * The word script shared by the two scripted CTC recognisers: a vocabulary
 * (blank plus one "▁word" token per distinct word) and the token id of each
 * script position. Both models emit the script in order, one word per loud
 * 300 ms, so the same audio reads the same in streaming and batch mode.
 */
import { z } from "zod";

/** sherpa-onnx turns "▁" into a space when it joins tokens into text. */
const WORD_MARK = "\u2581";

/** A script word: one token of tokens.txt, so no whitespace (the file is split on it). */
export const scriptWord = z.string().regex(/^\S+$/u, "a word must be non-empty and contain no whitespace");

export const wordsArgs = z
  .object({
    /** The words emitted, one per loud chunk, in order. */
    words: z.array(scriptWord).min(1, "the script needs at least one word").optional(),
  })
  .strict();

export interface CtcScript {
  /** Symbol of each token id; id 0 is the blank. */
  tokens: string[];
  /** Token id emitted for each script position. */
  wordIds: number[];
}

/** Builds the vocabulary; repeated words share a token, so tokens.txt has no duplicate symbols. */
export function buildCtcScript(words: readonly string[]): CtcScript {
  const tokens = ["<blk>"];
  const idOf = new Map<string, number>();
  const wordIds = words.map((word) => {
    let id = idOf.get(word);
    if (id === undefined) {
      id = tokens.length;
      tokens.push(WORD_MARK + word);
      idOf.set(word, id);
    }
    return id;
  });
  return { tokens, wordIds };
}

/** tokens.txt as sherpa-onnx reads it: "<symbol> <id>" per line. */
export function tokensTxt(tokens: readonly string[]): string {
  return tokens.map((t, i) => `${t} ${i}`).join("\n") + "\n";
}

/** Log-probability of every non-chosen token: low enough that greedy CTC never picks it. */
export const NOT_CHOSEN = -30;

/**
 * Mean |sample| (in int16 units) above which 300 ms counts as speech. About
 * -41 dBFS: far below any test tone or TTS output, far above dither or silence.
 */
export const LOUD_MEAN_ABS = 300;

/** Both models decide speech per 300 ms, the T-one frame. */
export const CHUNK_MS = 300;
