/**
 * What every format is turned into before chunking: the document's text as a
 * sequence of headings and paragraphs. A `question` is an FAQ entry's
 * question (a heading that ends in "?", a "Q:" line, a <dt> or <summary>):
 * the chunker keeps the answer that follows it whole, in one chunk.
 */
export type Block =
  | { kind: "heading"; level: number; text: string }
  /** `level`: the heading level when the question was a heading; none for "Q:" lines and the like (below every heading). */
  | { kind: "question"; text: string; level?: number }
  | { kind: "paragraph"; text: string };

/** Collapses runs of white space (not line breaks) and trims; NFC, so the same words index the same. */
export function cleanInline(text: string): string {
  return text
    .normalize("NFC")
    .replace(/[^\S\n]+/g, " ")
    .replace(/ *\n */g, "\n")
    .trim();
}

/** A line that reads as a question: ends in "?" and is short enough to be a title. */
export function isQuestionLine(line: string): boolean {
  return line.length <= 200 && /\?\s*$/.test(line);
}

/** "Q: ..." / "Question: ..." lines, and the "A: ..." answers that follow them. */
const Q_PREFIX = /^(?:q|question)\s*[:.)]\s*/i;
const A_PREFIX = /^(?:a|answer)\s*[:.)]\s*/i;

/** The question of a "Q:" line, or null. */
export function questionPrefixed(line: string): string | null {
  return Q_PREFIX.test(line) ? line.replace(Q_PREFIX, "").trim() : null;
}

/** An answer line without its "A:". */
export function stripAnswerPrefix(line: string): string {
  return line.replace(A_PREFIX, "");
}

/** Sum of the blocks' text lengths: what the extracted-text limit counts. */
export function blocksChars(blocks: readonly Block[]): number {
  return blocks.reduce((n, b) => n + b.text.length, 0);
}
