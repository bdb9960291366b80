/**
 * Sentence segmentation for speech. TTS is asked for one sentence at a time
 * so the first one plays while the rest is generated; the LLM's streamed text
 * goes through the same rules (SentenceChunker) before reaching TTS.
 */

// Words whose trailing period does not end a sentence.
const ABBREVIATIONS = new Set(["mr", "mrs", "ms", "dr", "prof", "sr", "jr", "st", "vs", "etc", "e.g", "i.e", "approx", "no", "tel", "ext"]);
const SOFT_LIMIT = 180; // characters; longer sentences are split at commas so the first audio is not late

/** Index just past the first sentence end in `text` at or after `from`, or -1. */
function findBoundary(text: string, from: number): number {
  for (let i = from; i < text.length; i++) {
    const c = text[i];
    if (c !== "." && c !== "!" && c !== "?" && c !== "\n") continue;
    let end = i + 1;
    while (end < text.length && /[.!?"')\]]/.test(text[end] ?? "")) end++;
    if (end >= text.length) return -1; // may continue ("3." then "5"); decided when more text or the end arrives
    if (!/\s/.test(text[end] ?? "")) continue; // "3.5", "e.g.x"
    if (c === ".") {
      const word = /([A-Za-z.]+)\.$/.exec(text.slice(Math.max(0, i - 8), i + 1))?.[1]?.toLowerCase();
      if (word && ABBREVIATIONS.has(word)) continue;
      if (/\d$/.test(text.slice(0, i)) && /^\s*\d/.test(text.slice(end))) continue; // "version 2. 5"? rare; keep numbers whole
    }
    return end;
  }
  return -1;
}

function splitLong(sentence: string): string[] {
  if (sentence.length <= SOFT_LIMIT) return [sentence];
  const parts: string[] = [];
  let rest = sentence;
  while (rest.length > SOFT_LIMIT) {
    const cut = Math.max(rest.lastIndexOf(", ", SOFT_LIMIT), rest.lastIndexOf("; ", SOFT_LIMIT), rest.lastIndexOf(": ", SOFT_LIMIT));
    const at = cut > 20 ? cut + 1 : rest.lastIndexOf(" ", SOFT_LIMIT);
    if (at <= 0) break;
    parts.push(rest.slice(0, at).trim());
    rest = rest.slice(at).trim();
  }
  if (rest) parts.push(rest);
  return parts;
}

/** Splits complete text into speakable sentences. */
export function splitSentences(text: string): string[] {
  const chunker = new SentenceChunker();
  return [...chunker.push(text), ...chunker.flush()];
}

/** Incremental splitter for streamed text: push deltas, get back the sentences they complete. */
export class SentenceChunker {
  private buffer = "";

  push(delta: string): string[] {
    this.buffer += delta;
    const out: string[] = [];
    for (;;) {
      const end = findBoundary(this.buffer, 0);
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
