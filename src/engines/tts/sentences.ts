import { sentenceRulesFor, type SentenceRules } from "./sentence-rules.js";

/**
 * Sentence segmentation for speech. TTS is asked for one sentence at a time
 * so the first one plays while the rest is generated; the LLM's streamed text
 * goes through the same rules (SentenceChunker) before reaching TTS. The
 * language (a BCP 47 tag, English by default) picks the abbreviations and
 * ordinal rules (sentence-rules.ts).
 */

// Quotes and brackets that may close a sentence after its punctuation, in the four languages' conventions.
const CLOSERS = /[.!?"')\]»“”’]/;
/** Characters; longer sentences are split at commas so the first audio is not late. */
export const SENTENCE_SOFT_LIMIT = 180;

/**
 * Index just past the first sentence end in `text` at or after `from`, or -1. A sentence mark at the very end
 * of the text is decided when more text comes ("3." may become "3.5"), unless `closeAtEnd`: then it ends the
 * sentence unless a number or an abbreviation comes before it (the first chunk of a reply does not wait a
 * token for the space after its period).
 */
function findBoundary(text: string, from: number, rules: SentenceRules, closeAtEnd = false): number {
  for (let i = from; i < text.length; i++) {
    const c = text[i];
    if (c !== "." && c !== "!" && c !== "?" && c !== "\n") continue;
    let end = i + 1;
    while (end < text.length && CLOSERS.test(text[end] ?? "")) end++;
    // French spacing puts a (narrow) space before the closing guillemet: "« Merci. »".
    if (/^[ \u00a0\u202f]»/.test(text.slice(end, end + 2))) end += 2;
    const atEnd = end >= text.length;
    if (atEnd && !closeAtEnd) return -1; // may continue ("3." then "5"); decided when more text or the end arrives
    if (!atEnd && !/\s/.test(text[end] ?? "")) continue; // "3.5", "e.g.x"
    if (c === ".") {
      if (atEnd && /\d$/.test(text.slice(0, i))) return -1; // "3." may be "3.5" or an ordinal: wait
      const word = /([\p{L}.°º]+)\.$/u.exec(text.slice(Math.max(0, i - 8), i + 1))?.[1]?.toLowerCase();
      if (word && (rules.abbreviations.has(word) || rules.abbreviationEndings.some((e) => word.endsWith(e)))) continue;
      if (/\d$/.test(text.slice(0, i)) && /^\s*\d/.test(text.slice(end))) continue; // "version 2. 5"? rare; keep numbers whole
      // German writes ordinals with a period ("am 3. Mai", "im 2. Stock"): a day-sized number before a word is one.
      if (
        rules.ordinalDigits &&
        /(?:^|[\s(])(?:[1-9]|[12]\d|3[01])$/.test(text.slice(0, i)) &&
        /^\s+\p{L}/u.test(text.slice(end))
      )
        continue;
    }
    return end;
  }
  return -1;
}

function splitLong(sentence: string): string[] {
  if (sentence.length <= SENTENCE_SOFT_LIMIT) return [sentence];
  const parts: string[] = [];
  let rest = sentence;
  while (rest.length > SENTENCE_SOFT_LIMIT) {
    const cut = Math.max(
      rest.lastIndexOf(", ", SENTENCE_SOFT_LIMIT),
      rest.lastIndexOf("; ", SENTENCE_SOFT_LIMIT),
      rest.lastIndexOf(": ", SENTENCE_SOFT_LIMIT),
    );
    const at = cut > 20 ? cut + 1 : rest.lastIndexOf(" ", SENTENCE_SOFT_LIMIT);
    if (at <= 0) break;
    parts.push(rest.slice(0, at).trim());
    rest = rest.slice(at).trim();
  }
  if (rest) parts.push(rest);
  return parts;
}

/** Splits complete text into speakable sentences. */
export function splitSentences(text: string, language?: string): string[] {
  const chunker = new SentenceChunker(language);
  return [...chunker.push(text), ...chunker.flush()];
}

/**
 * Where the first chunk of a reply may end before its sentence does, so the
 * caller hears the first words sooner: at the first clause boundary (a comma,
 * semicolon, colon or dash followed by a space) once it has `minWords`, or
 * after `maxWords` when no boundary came.
 */
export interface FirstClause {
  minWords: number;
  maxWords: number;
}

export const FIRST_CLAUSE: FirstClause = { minWords: 2, maxWords: 10 };

/** Index just past the first chunk's end in `text` under `rule`, or -1 (wait for more text). */
function firstClauseEnd(text: string, rule: FirstClause): number {
  let words = 0;
  const re = /\S+(\s+)/g;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    words++;
    const word = m[0].trimEnd();
    const end = m.index + m[0].length;
    const dash = word === "-" || word === "–" || word === "—";
    if (words >= rule.minWords && (dash || /[,;:–—]$/.test(word))) return end;
    if (words >= rule.maxWords) return end;
  }
  return -1;
}

/** Incremental splitter for streamed text: push deltas, get back the sentences they complete. */
export class SentenceChunker {
  private buffer = "";
  private readonly rules: SentenceRules;
  private firstClause: FirstClause | null;

  /**
   * `language`: a BCP 47 tag; English rules when omitted or unknown. `firstClause`: the first chunk may end at a
   * clause boundary (see FirstClause); later chunks go by sentence.
   */
  constructor(language?: string, firstClause?: FirstClause) {
    this.rules = sentenceRulesFor(language);
    this.firstClause = firstClause ?? null;
  }

  push(delta: string): string[] {
    this.buffer += delta;
    const out: string[] = [];
    if (this.firstClause) {
      const sentenceEnd = findBoundary(this.buffer, 0, this.rules, true);
      const clauseEnd = firstClauseEnd(this.buffer, this.firstClause);
      if (clauseEnd < 0 && sentenceEnd < 0) return out;
      this.firstClause = null;
      // A whole sentence that is already here goes as one: only a clause ahead of its sentence is cut early.
      const clause = clauseEnd >= 0 && (sentenceEnd < 0 || clauseEnd < sentenceEnd);
      const end = clause ? clauseEnd : sentenceEnd;
      const first = this.buffer.slice(0, end).trim();
      this.buffer = this.buffer.slice(end);
      if (/[\p{L}\p{N}]/u.test(first)) out.push(...(clause ? [first] : splitLong(first)));
    }
    for (;;) {
      const end = findBoundary(this.buffer, 0, this.rules);
      if (end < 0) break;
      const sentence = this.buffer.slice(0, end).trim();
      this.buffer = this.buffer.slice(end);
      if (/[\p{L}\p{N}]/u.test(sentence)) out.push(...splitLong(sentence));
    }
    return out;
  }

  /** The remainder once the text is complete. */
  flush(): string[] {
    const rest = this.buffer.trim();
    this.buffer = "";
    return /[\p{L}\p{N}]/u.test(rest) ? splitLong(rest) : [];
  }
}
