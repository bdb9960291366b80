import type { KnowledgeFormat } from "../../store/repos/knowledge-documents-repo.js";
import { KnowledgeError } from "../errors.js";
import { blocksChars, type Block } from "./blocks.js";
import { decodeText, detectFormat, type DetectInput } from "./detect.js";
import { docxBlocks } from "./docx.js";
import { htmlBlocks } from "./html.js";
import { markdownBlocks } from "./markdown.js";
import { pdfBlocks } from "./pdf.js";
import { textBlocks } from "./plain-text.js";

/** What one document may be (config `knowledge.limits`). */
export interface ExtractLimits {
  /** Uploaded bytes. */
  maxBytes: number;
  /** Characters of extracted text. */
  maxChars: number;
  maxPdfPages: number;
  /** What a DOCX archive may unpack to. */
  maxUnpackedBytes: number;
}

export interface Extracted {
  format: KnowledgeFormat;
  blocks: Block[];
  chars: number;
}

/** A document's text as headings and paragraphs, within the limits; every refusal is a KnowledgeError naming the document. */
export async function extractDocument(input: DetectInput, limits: ExtractLimits): Promise<Extracted> {
  const { name, data } = input;
  if (data.byteLength === 0) throw new KnowledgeError("knowledge_document_empty", `${name}: the file is empty`);
  if (data.byteLength > limits.maxBytes) {
    throw new KnowledgeError(
      "knowledge_document_too_large",
      `${name}: ${data.byteLength} bytes, more than the ${limits.maxBytes} a document may have (knowledge.limits.maxBytes); split it`,
    );
  }
  const format = detectFormat(input);
  const blocks = await blocksOf(format, input, limits);
  const chars = blocksChars(blocks);
  if (chars === 0) {
    const hint = format === "pdf" ? " (a scanned PDF has no text layer: run OCR on it first)" : "";
    throw new KnowledgeError("knowledge_document_empty", `${name}: no text found${hint}`);
  }
  if (chars > limits.maxChars) {
    throw new KnowledgeError(
      "knowledge_document_too_long",
      `${name}: ${chars} characters of text, more than the ${limits.maxChars} a document may have (knowledge.limits.maxChars); split it`,
    );
  }
  return { format, blocks, chars };
}

function blocksOf(format: KnowledgeFormat, input: DetectInput, limits: ExtractLimits): Promise<Block[]> | Block[] {
  switch (format) {
    case "markdown":
      return markdownBlocks(decodeText(input.name, input.data));
    case "text":
      return textBlocks(decodeText(input.name, input.data));
    case "html":
      return htmlBlocks(decodeText(input.name, input.data));
    case "pdf":
      return pdfBlocks(input.data, input.name, limits.maxPdfPages);
    case "docx":
      return docxBlocks(input.data, input.name, limits.maxUnpackedBytes);
  }
}
