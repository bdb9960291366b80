import { splitSentences } from "../engines/tts/sentences.js";
import type { NewKnowledgeChunk } from "../store/repos/knowledge-documents-repo.js";
import type { Block } from "./formats/blocks.js";

/** How big chunks are, in characters (about 4 per token of English). */
export interface ChunkOptions {
  /** A section longer than `maxChars` is cut into pieces of about this size. */
  targetChars: number;
  /** The longest ordinary chunk: below a 512-token embedder's limit with its heading. */
  maxChars: number;
  /** Text a piece repeats from the end of the one before it, so a sentence cut from its context is still found. */
  overlapChars: number;
  /** An FAQ entry up to this long stays one chunk, even above `maxChars`. */
  maxEntryChars: number;
}

export const defaultChunking: ChunkOptions = {
  targetChars: 900,
  maxChars: 1500,
  overlapChars: 150,
  maxEntryChars: 3000,
};

interface Section {
  path: string[];
  /** Opened by an FAQ question: its answer is kept whole. */
  entry: boolean;
  paragraphs: string[];
}

/** Level of an FAQ question that was not a heading ("Q:", <dt>): below every real heading. */
const QUESTION_LEVEL = 7;

/**
 * Cuts a document's blocks into chunks. Each heading (and each FAQ question)
 * opens a section; its chunk's `heading` is the path of headings above it
 * ("Billing > Can I pay by card?"), so a chunk carries its context. A section
 * that fits `maxChars` is one chunk (small sections are not merged: each
 * stays citable on its own); an FAQ entry stays whole up to `maxEntryChars`;
 * a longer section is packed paragraph by paragraph (sentence by sentence
 * inside an overlong paragraph) into pieces of about `targetChars`, each
 * starting with the last sentences of the piece before it.
 */
export function chunkBlocks(blocks: readonly Block[], o: ChunkOptions = defaultChunking): NewKnowledgeChunk[] {
  const chunks: NewKnowledgeChunk[] = [];
  for (const section of sections(blocks)) {
    const heading = section.path.join(" > ");
    const body = section.paragraphs.join("\n\n");
    const pieces =
      body.length <= o.maxChars || (section.entry && body.length <= o.maxEntryChars)
        ? [body]
        : pack(section.paragraphs, o);
    for (const text of pieces) chunks.push({ position: chunks.length, heading, text });
  }
  return chunks;
}

/** The text a chunk is embedded as: its headings give the passage its topic. */
export function embeddingText(chunk: Pick<NewKnowledgeChunk, "heading" | "text">): string {
  return chunk.heading ? `${chunk.heading}\n${chunk.text}` : chunk.text;
}

function sections(blocks: readonly Block[]): Section[] {
  const out: Section[] = [];
  const stack: { level: number; text: string }[] = [];
  let current: Section | null = null;
  for (const block of blocks) {
    if (block.kind === "paragraph") {
      if (!current) {
        current = { path: stack.map((h) => h.text), entry: false, paragraphs: [] };
        out.push(current);
      }
      current.paragraphs.push(block.text);
      continue;
    }
    const level = block.level ?? QUESTION_LEVEL;
    while (stack.length > 0 && (stack[stack.length - 1]?.level ?? 0) >= level) stack.pop();
    stack.push({ level, text: block.text });
    current = { path: stack.map((h) => h.text), entry: block.kind === "question", paragraphs: [] };
    out.push(current);
  }
  // A question with no answer is still worth finding (the question may be the whole point); empty headings are not.
  return out.flatMap((s) =>
    s.paragraphs.length > 0
      ? [s]
      : s.entry
        ? [{ ...s, path: s.path.slice(0, -1), paragraphs: [s.path.at(-1) ?? ""] }]
        : [],
  );
}

/** Units no longer than maxChars: paragraphs, else their sentences, else word runs. */
function units(paragraphs: readonly string[], maxChars: number): string[] {
  return paragraphs.flatMap((p) => {
    if (p.length <= maxChars) return [p];
    return splitSentences(p).flatMap((s) => (s.length <= maxChars ? [s] : wordRuns(s, maxChars)));
  });
}

function wordRuns(text: string, maxChars: number): string[] {
  const out: string[] = [];
  let run = "";
  for (const word of text.split(/\s+/)) {
    const next = run ? `${run} ${word}` : word;
    if (next.length > maxChars && run) {
      out.push(run);
      run = word.slice(0, maxChars);
    } else run = next.slice(0, maxChars);
  }
  if (run) out.push(run);
  return out;
}

/** The last sentences of a piece, up to `chars` characters. */
function tail(text: string, chars: number): string {
  const sentences = splitSentences(text);
  let out = "";
  for (let i = sentences.length - 1; i >= 0; i--) {
    const next = out ? `${sentences[i]} ${out}` : (sentences[i] ?? "");
    if (next.length > chars) break;
    out = next;
  }
  return out;
}

function pack(paragraphs: readonly string[], o: ChunkOptions): string[] {
  const pieces: string[] = [];
  let current: string[] = [];
  let length = 0;
  for (const unit of units(paragraphs, o.maxChars)) {
    if (current.length > 0 && length + unit.length + 2 > o.targetChars) {
      const piece = current.join("\n\n");
      pieces.push(piece);
      const overlap = tail(piece, o.overlapChars);
      current = overlap && overlap.length + unit.length + 2 <= o.maxChars ? [overlap] : [];
      length = overlap && current.length > 0 ? overlap.length : 0;
    }
    current.push(unit);
    length += unit.length + (current.length > 1 ? 2 : 0);
  }
  if (current.length > 0) pieces.push(current.join("\n\n"));
  return pieces;
}
