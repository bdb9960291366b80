import { Parser } from "htmlparser2";
import { cleanInline, isQuestionLine, type Block } from "./blocks.js";

/** Elements whose text is never content. */
const SKIPPED = new Set([
  "script",
  "style",
  "noscript",
  "template",
  "head",
  "svg",
  "canvas",
  "iframe",
  "object",
  "nav",
  "button",
  "select",
  "form",
]);
/** Elements that end the current block (their text starts a new one). */
const BREAKS = new Set([
  "p",
  "div",
  "section",
  "article",
  "main",
  "aside",
  "header",
  "footer",
  "blockquote",
  "pre",
  "ul",
  "ol",
  "li",
  "table",
  "tr",
  "dl",
  "dd",
  "figure",
  "figcaption",
  "address",
  "hr",
  "br",
]);
/** Table cells: a row's cells stay one block, separated by spaces. */
const CELLS = new Set(["td", "th"]);
/** Elements whose text is an FAQ question (definition terms, <details> summaries). */
const QUESTIONS = new Set(["dt", "summary"]);

/**
 * HTML (and DOCX, through mammoth's HTML) to blocks, with htmlparser2: h1-h6
 * become headings (one ending in "?" an FAQ question), <dt> and <summary>
 * questions, other block elements paragraphs; script, style, navigation and
 * forms are dropped; entities are decoded. Not a renderer: CSS is ignored.
 */
export function htmlBlocks(html: string): Block[] {
  const blocks: Block[] = [];
  let text = "";
  let skipDepth = 0;
  let heading: { level: number } | null = null;
  let question = false;

  const flush = () => {
    const clean = cleanInline(text.replace(/\n+/g, " "));
    text = "";
    if (!clean) return;
    if (heading)
      blocks.push(
        isQuestionLine(clean)
          ? { kind: "question", text: clean, level: heading.level }
          : { kind: "heading", level: heading.level, text: clean },
      );
    else if (question) blocks.push({ kind: "question", text: clean });
    else blocks.push({ kind: "paragraph", text: clean });
  };

  const parser = new Parser(
    {
      onopentag(name) {
        if (SKIPPED.has(name)) {
          skipDepth++;
          return;
        }
        if (skipDepth > 0) return;
        const level = /^h([1-6])$/.exec(name)?.[1];
        if (level || QUESTIONS.has(name) || BREAKS.has(name)) flush();
        if (level) heading = { level: Number(level) };
        if (QUESTIONS.has(name)) question = true;
        if (CELLS.has(name)) text += " ";
      },
      ontext(data) {
        if (skipDepth === 0) text += data;
      },
      onclosetag(name) {
        if (SKIPPED.has(name)) {
          skipDepth = Math.max(0, skipDepth - 1);
          return;
        }
        if (skipDepth > 0) return;
        const closesHeading = /^h[1-6]$/.test(name);
        if (closesHeading || QUESTIONS.has(name) || BREAKS.has(name)) flush();
        if (closesHeading) heading = null;
        if (QUESTIONS.has(name)) question = false;
      },
    },
    { decodeEntities: true },
  );
  parser.write(html);
  parser.end();
  flush();
  return blocks;
}
