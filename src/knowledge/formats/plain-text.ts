import { cleanInline, isQuestionLine, questionPrefixed, stripAnswerPrefix, type Block } from "./blocks.js";

/**
 * Plain text (and the text of PDF pages): paragraphs are separated by blank
 * lines. A paragraph whose first line is a question ("Q: ...", or a short
 * line ending in "?") starts an FAQ entry, the rest of it and the paragraphs
 * up to the next question being its answer.
 */
export function textBlocks(text: string): Block[] {
  const blocks: Block[] = [];
  for (const paragraph of text.replace(/\r\n?/g, "\n").split(/\n\s*\n/)) {
    const lines = paragraph
      .split("\n")
      .map((l) => l.trim())
      .filter((l) => l.length > 0);
    const first = lines[0];
    if (first === undefined) continue;
    const question = questionPrefixed(first) ?? (isQuestionLine(first) && lines.length > 1 ? first : null);
    if (question !== null) {
      blocks.push({ kind: "question", text: cleanInline(question) });
      lines.shift();
    } else if (isQuestionLine(first) && lines.length === 1) {
      blocks.push({ kind: "question", text: cleanInline(first) });
      continue;
    }
    const body = cleanInline(lines.map(stripAnswerPrefix).join("\n"));
    if (body) blocks.push({ kind: "paragraph", text: body });
  }
  return blocks;
}
