import { extractTextItems, getDocumentProxy, type StructuredTextItem } from "unpdf";
import { KnowledgeError } from "../errors.js";
import { cleanInline, isQuestionLine, type Block } from "./blocks.js";

interface Line {
  text: string;
  y: number;
  fontSize: number;
  page: number;
}

/**
 * PDF text with unpdf (PDF.js): items become lines (by end-of-line marks and
 * baselines), lines become paragraphs where the vertical gap is wider than
 * the usual line spacing, and a short line in a clearly larger font than the
 * body is a heading. Within a paragraph, a question line after a finished
 * sentence starts an FAQ entry (dense FAQ sheets have no gaps). Scanned PDFs
 * (images, no text layer) give no text: the caller reports them as empty.
 */
export async function pdfBlocks(data: Uint8Array, name: string, maxPages: number): Promise<Block[]> {
  let items: StructuredTextItem[][];
  try {
    const pdf = await getDocumentProxy(data, { verbosity: 0 });
    if (pdf.numPages > maxPages) {
      throw new KnowledgeError(
        "knowledge_document_too_large",
        `${name}: ${pdf.numPages} pages, more than the ${maxPages} a document may have (knowledge.limits.maxPdfPages); split it`,
      );
    }
    items = (await extractTextItems(pdf)).items;
  } catch (err) {
    if (err instanceof KnowledgeError) throw err;
    const e = err as Error;
    const why =
      e.name === "PasswordException"
        ? "it is encrypted (remove the password and upload it again)"
        : `PDF.js cannot read it (${e.message})`;
    throw new KnowledgeError("knowledge_document_unreadable", `${name}: not a readable PDF: ${why}`, { cause: err });
  }
  const lines = toLines(items);
  const body = bodyFontSize(lines);
  const sizes = [...new Set(lines.filter((l) => isHeading(l, body)).map((l) => l.fontSize))].sort((a, b) => b - a);
  const spacing = medianGap(lines);
  const blocks: Block[] = [];
  let paragraph: string[] = [];
  const flush = () => {
    const text = cleanInline(joinLines(paragraph));
    if (text) blocks.push({ kind: "paragraph", text });
    paragraph = [];
  };
  lines.forEach((line, i) => {
    const previous = lines[i - 1];
    if (isHeading(line, body)) {
      flush();
      const level = Math.min(6, sizes.indexOf(line.fontSize) + 1);
      blocks.push(
        isQuestionLine(line.text)
          ? { kind: "question", text: line.text, level }
          : { kind: "heading", level, text: line.text },
      );
      return;
    }
    const gap = previous && previous.page === line.page ? previous.y - line.y : Infinity;
    const afterSentence = paragraph.length > 0 && /[.!:)]$/.test(paragraph[paragraph.length - 1] ?? "");
    if (gap > spacing * 1.4 || (isQuestionLine(line.text) && (paragraph.length === 0 || afterSentence))) {
      flush();
      if (isQuestionLine(line.text)) {
        blocks.push({ kind: "question", text: line.text });
        return;
      }
    }
    paragraph.push(line.text);
  });
  flush();
  return blocks;
}

function toLines(pages: StructuredTextItem[][]): Line[] {
  const lines: Line[] = [];
  pages.forEach((items, page) => {
    let current: Line | null = null;
    for (const item of items) {
      if (current && Math.abs(current.y - item.y) > Math.max(1, current.fontSize * 0.5)) {
        lines.push(current);
        current = null;
      }
      current ??= { text: "", y: item.y, fontSize: 0, page };
      current.text += item.str;
      if (item.str.trim()) current.fontSize = Math.max(current.fontSize, Math.round(item.fontSize * 10) / 10);
      if (item.hasEOL) {
        lines.push(current);
        current = null;
      }
    }
    if (current) lines.push(current);
  });
  return lines.map((l) => ({ ...l, text: l.text.replace(/\s+/g, " ").trim() })).filter((l) => l.text.length > 0);
}

/** The font size most of the text is set in. */
function bodyFontSize(lines: readonly Line[]): number {
  const chars = new Map<number, number>();
  for (const l of lines) chars.set(l.fontSize, (chars.get(l.fontSize) ?? 0) + l.text.length);
  return [...chars].sort((a, b) => b[1] - a[1])[0]?.[0] ?? 0;
}

function isHeading(line: Line, body: number): boolean {
  return body > 0 && line.fontSize >= body * 1.2 && line.text.length <= 120;
}

/** The usual distance between two lines of a paragraph. */
function medianGap(lines: readonly Line[]): number {
  const gaps = lines
    .slice(1)
    .flatMap((l, i) => (lines[i]!.page === l.page && lines[i]!.y > l.y ? [lines[i]!.y - l.y] : []))
    .sort((a, b) => a - b);
  return gaps[Math.floor(gaps.length / 2)] ?? Infinity;
}

/** Lines of a paragraph as running text; a word hyphenated across lines is joined. */
function joinLines(lines: readonly string[]): string {
  return lines.reduce(
    (text, line) =>
      text === "" ? line : /[a-z]-$/i.test(text) && /^[a-z]/.test(line) ? text.slice(0, -1) + line : `${text} ${line}`,
    "",
  );
}
