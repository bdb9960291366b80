/**
 * Cuts each scripted reply into vocabulary pieces. The LLM is a bigram
 * lookup (each token decides the next), so every reply piece must be a token
 * of its own: unique across all replies and distinct from every other piece.
 * Pieces are at least two characters (single characters are prompt tokens).
 * The tokenizer may build a reply piece from prompt text (when the piece is
 * two symbols it can already build), but only after every other merge, as
 * reply pieces score lowest. That is harmless unless the piece would swallow
 * a token the script keys on: a trigger word ("▁back" + "!" -> "▁back!") or
 * the final newline of "<|im_start|>assistant\n" ("t" + "\n"). Such
 * "dangerous" pieces must not be buildable.
 *
 * Cutting starts at word boundaries ("▁word"), or at the units a `split`
 * function gives (the load doubles cut like the real tokenizer, so a reply
 * costs about its tokens to decode); a unit that is already taken grows by
 * the next one until it is unique (the last one joins its predecessor
 * instead).
 */
import { escapeSpaces } from "./llm-vocab.js";

/** node-llama-cpp's default function-call syntax (ChatWrapper.defaultSettings.functions.call). */
export const CALL_PREFIX = "||call: ";
const CALL_PATTERN = /^\|\|call: ([^\s()]+)\(([\s\S]*)\)$/;

export interface PieceRules {
  /** A string that already has another role in the vocabulary (a character, trigger or control piece). */
  isReserved(piece: string): boolean;
  /** A string the tokenizer can hold as one symbol without reply pieces: a character or a vocabulary piece. */
  isSymbol(piece: string): boolean;
  /** A string containing a trigger word, or ending with a newline. */
  isDangerous(piece: string): boolean;
  /** The units a text is cut from (SPM form); words by default. */
  split?(text: string): string[];
}

export type ReplyPlan =
  | { kind: "text"; pieces: string[] }
  /** `||call: name(params)`: the name is one piece, the params JSON is cut like text. */
  | { kind: "call"; name: string; params: string[] };

/** Parses the function-call form of a reply, or undefined for plain text. */
export function parseCall(reply: string): { name: string; params: string } | undefined {
  const match = CALL_PATTERN.exec(reply);
  if (!match) return undefined;
  return { name: match[1] ?? "", params: match[2] ?? "" };
}

/** Plans every reply in order, so earlier (higher-priority) replies keep the natural word pieces. */
export function planReplies(replies: readonly string[], rules: PieceRules): ReplyPlan[] {
  // "||call:▁", "(" and ")" are shared tokens with a single successor each.
  if (replies.filter((r) => parseCall(r) !== undefined).length > 1)
    throw new Error("at most one reply may be a function call");
  const used = new Set<string>();
  const plans = replies.map((reply, index): ReplyPlan => {
    const call = parseCall(reply);
    if (call === undefined) {
      if (reply.includes("||call:"))
        throw new Error(`reply ${index + 1}: a function call must be the whole reply, as ||call: name({...})`);
      return { kind: "text", pieces: cutText(reply, rules, used, `reply ${index + 1}`) };
    }
    if (call.params !== "") {
      try {
        JSON.parse(call.params);
      } catch (cause) {
        throw new Error(`reply ${index + 1}: the parameters of ${call.name} are not JSON`, { cause });
      }
    }
    if (!isUsable(call.name, rules, used)) {
      throw new Error(
        `reply ${index + 1}: function name ${JSON.stringify(call.name)} clashes with a trigger or another piece`,
      );
    }
    used.add(call.name);
    return {
      kind: "call",
      name: call.name,
      params: call.params === "" ? [] : cutText(call.params, rules, used, `reply ${index + 1}`),
    };
  });
  // A later piece can make an earlier one buildable, so check again against the final set.
  for (const piece of used) {
    if (rules.isDangerous(piece) && buildable(piece, rules, used))
      throw new Error(`reply piece ${JSON.stringify(piece)} would swallow a trigger word or newline of the prompt`);
  }
  return plans;
}

function isUsable(piece: string, rules: PieceRules, used: ReadonlySet<string>): boolean {
  if (used.has(piece) || rules.isReserved(piece) || [...piece].length < 2) return false;
  return !(rules.isDangerous(piece) && buildable(piece, rules, used));
}

/** Whether SPM could merge two symbols into this piece, counting reply pieces it can build in turn. */
function buildable(piece: string, rules: PieceRules, replyPieces: ReadonlySet<string>, depth = 0): boolean {
  if (depth > 8) return true; // deep enough to be unsure: treat as buildable
  const symbol = (s: string): boolean =>
    rules.isSymbol(s) || (replyPieces.has(s) && buildable(s, rules, replyPieces, depth + 1));
  const chars = [...piece];
  for (let i = 1; i < chars.length; i++) {
    if (symbol(chars.slice(0, i).join("")) && symbol(chars.slice(i).join(""))) return true;
  }
  return false;
}

/** A text's words in SPM form, each with the spaces before it ("▁word"). */
export function splitWords(text: string): string[] {
  return escapeSpaces(text).match(/\u2581*[^\u2581]+|\u2581+/gu) ?? [];
}

/** Cuts one text into usable pieces (SPM form, "▁" for spaces) and marks them used. */
function cutText(text: string, rules: PieceRules, used: Set<string>, where: string): string[] {
  const words = rules.split?.(text) ?? splitWords(text);
  const pieces: string[] = [];
  let i = 0;
  while (i < words.length) {
    let piece = words[i++] ?? "";
    while (!isUsable(piece, rules, used) && i < words.length) piece += words[i++] ?? "";
    while (!isUsable(piece, rules, used) && pieces.length > 0) {
      const previous = pieces.pop() ?? "";
      used.delete(previous);
      piece = previous + piece;
    }
    if (!isUsable(piece, rules, used))
      throw new Error(`${where}: cannot cut ${JSON.stringify(text)} into unique pieces`);
    pieces.push(piece);
    used.add(piece);
  }
  if (pieces.length === 0) throw new Error(`${where}: empty text`);
  return pieces;
}
