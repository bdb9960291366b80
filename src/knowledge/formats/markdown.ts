import { cleanInline, isQuestionLine, questionPrefixed, stripAnswerPrefix, type Block } from "./blocks.js";

const ATX = /^ {0,3}(#{1,6})[ \t]+(.*?)[ \t]*#*[ \t]*$/;
const SETEXT = /^ {0,3}(=+|-+)[ \t]*$/;
const FENCE = /^ {0,3}(`{3,}|~{3,})/;
const LIST_ITEM = /^ {0,3}(?:[-*+]|\d{1,9}[.)])[ \t]+/;
const RULE = /^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$/;

/**
 * Markdown: ATX (`## Title`) and setext (underlined) headings, paragraphs
 * separated by blank lines, fenced code kept verbatim, list items kept one
 * per line. Inline syntax is reduced to its words (links to their text,
 * images to their alt text, emphasis and code marks dropped). A heading
 * that ends in "?" or a "Q:" line is an FAQ question.
 */
export function markdownBlocks(source: string): Block[] {
  const blocks: Block[] = [];
  const lines = source
    .replace(/\r\n?/g, "\n")
    .replace(/<!--[\s\S]*?-->/g, "")
    .split("\n");
  let paragraph: string[] = [];
  const flush = () => {
    const text = cleanInline(paragraph.map((l) => stripAnswerPrefix(inline(l.replace(LIST_ITEM, "- ")))).join("\n"));
    if (text) blocks.push({ kind: "paragraph", text });
    paragraph = [];
  };
  const heading = (level: number, raw: string) => {
    flush();
    const text = cleanInline(inline(raw));
    if (!text) return;
    blocks.push(isQuestionLine(text) ? { kind: "question", text, level } : { kind: "heading", level, text });
  };

  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? "";
    const fence = FENCE.exec(line);
    if (fence) {
      flush();
      const code: string[] = [];
      while (++i < lines.length && !(lines[i] ?? "").trimStart().startsWith(fence[1] ?? "```"))
        code.push(lines[i] ?? "");
      const text = code.join("\n").trim();
      if (text) blocks.push({ kind: "paragraph", text });
      continue;
    }
    const atx = ATX.exec(line);
    if (atx) {
      heading(atx[1]?.length ?? 1, atx[2] ?? "");
      continue;
    }
    const next = lines[i + 1] ?? "";
    if (paragraph.length === 0 && line.trim() && SETEXT.test(next) && !LIST_ITEM.test(line)) {
      heading(next.trim().startsWith("=") ? 1 : 2, line);
      i++;
      continue;
    }
    if (!line.trim() || RULE.test(line)) {
      flush();
      continue;
    }
    const question = questionPrefixed(line.trim());
    if (question !== null) {
      flush();
      blocks.push({ kind: "question", text: cleanInline(inline(question)) });
      continue;
    }
    paragraph.push(line);
  }
  flush();
  return blocks;
}

/** Inline Markdown to plain words. */
function inline(text: string): string {
  return text
    .replace(/!\[([^\]]*)\]\([^)]*\)/g, "$1")
    .replace(/\[([^\]]+)\]\([^)]*\)/g, "$1")
    .replace(/\[([^\]]+)\]\[[^\]]*\]/g, "$1")
    .replace(/<([a-z]+:[^>\s]+)>/gi, "$1")
    .replace(/(\*\*|__)(.+?)\1/g, "$2")
    .replace(/(^|[^\w*])[*_]([^*_\n]+)[*_](?=[^\w*]|$)/g, "$1$2")
    .replace(/`([^`]+)`/g, "$1")
    .replace(/<\/?[a-z][^>]*>/gi, "")
    .replace(/^\s*>\s?/, "");
}
