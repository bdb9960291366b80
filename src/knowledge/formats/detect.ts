import { extname } from "node:path";
import { knowledgeFormats, type KnowledgeFormat } from "../../store/repos/knowledge-documents-repo.js";
import { KnowledgeError } from "../errors.js";

const BY_TYPE: Record<string, KnowledgeFormat> = {
  "text/markdown": "markdown",
  "text/x-markdown": "markdown",
  "text/plain": "text",
  "text/html": "html",
  "application/xhtml+xml": "html",
  "application/pdf": "pdf",
  "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
};

const BY_EXTENSION: Record<string, KnowledgeFormat> = {
  ".md": "markdown",
  ".markdown": "markdown",
  ".txt": "text",
  ".text": "text",
  ".html": "html",
  ".htm": "html",
  ".xhtml": "html",
  ".pdf": "pdf",
  ".docx": "docx",
};

/** What the bytes start with, for the formats that have a signature. */
function signature(data: Uint8Array): "pdf" | "zip" | "ole" | null {
  const head = Buffer.from(data.subarray(0, 1024));
  if (head.indexOf("%PDF-") >= 0) return "pdf";
  if (head.subarray(0, 4).equals(Buffer.from([0x50, 0x4b, 0x03, 0x04]))) return "zip";
  if (head.subarray(0, 8).equals(Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]))) return "ole";
  return null;
}

export interface DetectInput {
  name: string;
  data: Uint8Array;
  /** Declared by the caller (an upload's Content-Type, or an explicit format); wins over the extension. */
  contentType?: string;
  format?: KnowledgeFormat;
}

/**
 * The document's format: the one given, else its content type, else its
 * extension, else what its bytes look like; then checked against the bytes,
 * so a PDF named .txt or a Word 97 file named .docx gets a clear error
 * instead of garbage in the index.
 */
export function detectFormat(input: DetectInput): KnowledgeFormat {
  const { name, data } = input;
  const mime = input.contentType?.split(";")[0]?.trim().toLowerCase();
  const sig = signature(data);
  if (sig === "ole") {
    throw new KnowledgeError(
      "knowledge_format_unsupported",
      `${name}: a Word 97-2003 (.doc) or other OLE file; save it as .docx, PDF or text and upload that`,
    );
  }
  const declared = input.format ?? (mime ? BY_TYPE[mime] : undefined) ?? BY_EXTENSION[extname(name).toLowerCase()];
  if (input.format !== undefined && !(knowledgeFormats as readonly string[]).includes(input.format)) {
    throw new KnowledgeError(
      "knowledge_format_unsupported",
      `${name}: unknown format '${input.format}' (known: ${knowledgeFormats.join(", ")})`,
    );
  }
  if (
    mime &&
    !BY_TYPE[mime] &&
    mime !== "application/octet-stream" &&
    input.format === undefined &&
    !BY_EXTENSION[extname(name).toLowerCase()]
  ) {
    throw new KnowledgeError(
      "knowledge_format_unsupported",
      `${name}: content type ${mime} is not a supported document (${knowledgeFormats.join(", ")})`,
    );
  }
  const format = declared ?? (sig === "pdf" ? "pdf" : sig === "zip" ? "docx" : "text");
  const expected = format === "pdf" ? "pdf" : format === "docx" ? "zip" : null;
  if (expected !== sig && (expected !== null || sig !== null)) {
    const found = sig === "pdf" ? "a PDF" : sig === "zip" ? "a zip archive (DOCX?)" : "text";
    throw new KnowledgeError("knowledge_format_mismatch", `${name}: declared ${format}, but the bytes are ${found}`);
  }
  return format;
}

/** UTF-8 text of a text format; binary data or broken UTF-8 is refused, never indexed as noise. */
export function decodeText(name: string, data: Uint8Array): string {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(data);
  } catch (err) {
    throw new KnowledgeError(
      "knowledge_document_unreadable",
      `${name}: not UTF-8 text; save it as UTF-8 (or upload the PDF/DOCX itself)`,
      { cause: err },
    );
  }
  if (text.includes("\u0000"))
    throw new KnowledgeError("knowledge_document_unreadable", `${name}: binary data (NUL bytes), not text`);
  return text;
}
