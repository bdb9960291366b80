/**
 * The hashed embedding double's vocabulary: a WordPiece ("bert") vocabulary
 * as llama.cpp loads it from GGUF, and an emulation of llama.cpp's WPM
 * tokenizer over it (llm_tokenizer_wpm_session: NFD, lower case, split on
 * white space and punctuation, then per word a greedy longest match of
 * "▁" + word against the pieces; a word with an unmatched rest is [UNK]).
 *
 * Pieces are every string of one to three letters a-z and one or two digits,
 * once as a word start ("▁ope") and once as a continuation ("nin"), plus the
 * English function words longer than three letters as whole words ("▁what").
 * So "opening" is "▁ope" "nin" "g" and "open" is "▁ope" "n": a word's first
 * piece is its three-letter prefix, which is what makes lexically close texts
 * close (embed-weights.ts). No piece comes from any test text.
 */
import { SPACE, TokenType } from "./llm-vocab.js";

/** Function words: their whole-word pieces (and the short ones' word-start pieces) weigh little. */
export const STOP_WORDS: readonly string[] = (
  "a an and any are as at be been but by can could did do does for from had has have how i if in is it its " +
  "me my no not of on or our so than that the their them then there these they this to too us was we were " +
  "what when where which who whom why will with would you your yours about also into just more most some such " +
  "should shall may might must very each other only own same both few here out over under again further once"
).split(" ");

export interface EmbedVocab {
  pieces: string[];
  types: number[];
  /** Token ids of the special tokens. */
  pad: number;
  unknown: number;
  cls: number;
  sep: number;
  /** Id of each piece (specials excluded). */
  ids: ReadonlyMap<string, number>;
  /** The longest piece in UTF-8 bytes (llama.cpp's max_token_len bounds the greedy match). */
  maxPieceBytes: number;
}

const LETTERS = "abcdefghijklmnopqrstuvwxyz";
const DIGITS = "0123456789";

/** Every string of `alphabet` from length 1 to `maxLength`, shortest first. */
function strings(alphabet: string, maxLength: number): string[] {
  const out: string[] = [];
  let level = [""];
  for (let length = 1; length <= maxLength; length++) {
    level = level.flatMap((prefix) => [...alphabet].map((c) => prefix + c));
    out.push(...level);
  }
  return out;
}

/** Builds the vocabulary; the same pieces in the same order every time. */
export function buildEmbedVocab(): EmbedVocab {
  const pieces: string[] = [];
  const types: number[] = [];
  const ids = new Map<string, number>();
  const add = (piece: string, type: number): number => {
    const existing = ids.get(piece);
    if (existing !== undefined) return existing;
    ids.set(piece, pieces.length);
    pieces.push(piece);
    types.push(type);
    return pieces.length - 1;
  };
  const pad = add("[PAD]", TokenType.control);
  const unknown = add("[UNK]", TokenType.unknown);
  const cls = add("[CLS]", TokenType.control);
  const sep = add("[SEP]", TokenType.control);
  for (const s of [...strings(LETTERS, 3), ...strings(DIGITS, 2)]) {
    add(SPACE + s, TokenType.normal);
    add(s, TokenType.normal);
  }
  for (const word of STOP_WORDS) add(SPACE + word, TokenType.normal);
  for (const special of ["[PAD]", "[UNK]", "[CLS]", "[SEP]"]) ids.delete(special);
  const maxPieceBytes = Math.max(...pieces.map((p) => Buffer.byteLength(p, "utf8")));
  return { pieces, types, pad, unknown, cls, sep, ids, maxPieceBytes };
}

/**
 * Words as llama.cpp's WPM preprocessing cuts them: NFD, accents and control
 * characters dropped, lower case, punctuation (and ASCII symbols) split off
 * as words of their own, white space dropped.
 */
export function wpmWords(text: string): string[] {
  const words: string[] = [];
  let current = "";
  const end = () => {
    if (current) words.push(current);
    current = "";
  };
  for (const ch of text.normalize("NFD")) {
    const cp = ch.codePointAt(0) ?? 0;
    if (/\s/u.test(ch)) end();
    else if (cp === 0 || cp === 0xfffd || /[\p{Cc}\p{Mn}]/u.test(ch)) continue;
    else if (/\p{P}/u.test(ch) || (cp < 0x7f && /\p{S}/u.test(ch))) {
      end();
      words.push(ch);
    } else current += ch.toLowerCase();
  }
  end();
  return words;
}

/** Token ids of text without [CLS]/[SEP], as llama.cpp's WPM tokenizer produces them over this vocabulary. */
export function tokenizeWpm(vocab: EmbedVocab, text: string): number[] {
  const out: number[] = [];
  for (const word of wpmWords(text)) {
    const chars = [...(SPACE + word)];
    const start = out.length;
    let i = 0;
    while (i < chars.length) {
      let matched = 0;
      for (let j = Math.min(chars.length, i + vocab.maxPieceBytes); j > i; j--) {
        const id = vocab.ids.get(chars.slice(i, j).join(""));
        if (id !== undefined) {
          out.push(id);
          matched = j - i;
          break;
        }
      }
      if (matched === 0) {
        out.length = start;
        break;
      }
      i += matched;
    }
    if (out.length === start) out.push(vocab.unknown);
  }
  return out;
}
