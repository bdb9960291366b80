/**
 * The scripted LLM's vocabulary before reply pieces are added: control
 * tokens, byte fallback, printable characters, the function-call prefix and
 * the trigger words with their prefix chains and blockers.
 *
 * Scores only order SPM merges (see triggers.ts); reply pieces are never
 * built from text at all (replies.ts makes sure of that).
 */
import { CALL_PREFIX } from "./llm-replies.js";
import { prosePieces } from "./llm-prose-vocab.js";
import { chainPieces, TriggerScore, triggerForms, triggerPieces } from "./llm-triggers.js";
import { escapeSpaces, SPACE, TokenType, Vocab } from "./llm-vocab.js";

const CHAR_SCORE = -100;
export const REPLY_SCORE = -1000;

export interface BaseVocab {
  vocab: Vocab;
  unknown: number;
  bos: number;
  imStart: number;
  imEnd: number;
  newline: number;
  /** "||call:▁" as one token: how node-llama-cpp's re-tokenized call prefix ends. */
  callPrefix: number;
  /** Token ids of every form of every trigger, per rule. */
  ruleTriggerTokens: number[][];
  /** Pieces that are only there for ordinary text (the load doubles' prose pieces); replies may reuse them. */
  prose: ReadonlySet<string>;
}

export interface BaseVocabOptions {
  /** Add ordinary-text pieces (llm-prose-vocab.ts) so text costs about the real tokenizer's tokens. */
  prose?: boolean;
}

/** Builds the base vocabulary for rules given as lists of trigger words (priority order). */
export function buildBaseVocab(
  ruleTriggers: readonly (readonly string[])[],
  options: BaseVocabOptions = {},
): BaseVocab {
  const vocab = new Vocab();
  const unknown = vocab.add("<unk>", TokenType.unknown, 0);
  const bos = vocab.add("<s>", TokenType.control, 0);
  vocab.add("</s>", TokenType.control, 0);
  const imStart = vocab.add("<|im_start|>", TokenType.control, 0);
  const imEnd = vocab.add("<|im_end|>", TokenType.control, 0);
  for (let b = 0; b < 256; b++) vocab.add(`<0x${b.toString(16).toUpperCase().padStart(2, "0")}>`, TokenType.byte, 0);
  // Printable ASCII and the space marker; anything else (newline, accents) goes through bytes.
  for (let c = 33; c < 127; c++) vocab.add(String.fromCharCode(c), TokenType.normal, CHAR_SCORE);
  vocab.add(SPACE, TokenType.normal, CHAR_SCORE);

  for (const piece of chainPieces(escapeSpaces(CALL_PREFIX))) vocab.add(piece, TokenType.normal, TriggerScore.chain);
  const callPrefix = vocab.require(escapeSpaces(CALL_PREFIX));

  for (const word of ruleTriggers.flat()) {
    for (const { piece, score } of triggerPieces(word)) vocab.add(piece, TokenType.normal, score);
  }
  const ruleTriggerTokens = ruleTriggers.map((words) => words.flatMap(triggerForms).map((form) => vocab.require(form)));

  // Added last, so the ids of everything above are the same with or without them.
  const prose = new Set<string>();
  for (const { piece, score } of options.prose ? prosePieces(ruleTriggers.flat()) : []) {
    if (vocab.id(piece) === undefined) prose.add(piece);
    vocab.add(piece, TokenType.normal, score);
  }

  return { vocab, unknown, bos, imStart, imEnd, newline: vocab.byteToken(10), callPrefix, ruleTriggerTokens, prose };
}
