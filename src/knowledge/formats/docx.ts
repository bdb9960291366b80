import mammoth from "mammoth";
import { KnowledgeError } from "../errors.js";
import type { Block } from "./blocks.js";
import { htmlBlocks } from "./html.js";
import { zipUncompressedBytes } from "./zip-size.js";

/**
 * DOCX with mammoth, which maps Word's heading styles to <h1>-<h6> and lists
 * and tables to HTML; the HTML then goes through htmlBlocks. The archive's
 * declared unpacked size is checked first, so a zip bomb is refused before
 * anything is inflated. Images are dropped (never inlined as data URIs),
 * and linked external files are never read.
 */
export async function docxBlocks(data: Uint8Array, name: string, maxUnpackedBytes: number): Promise<Block[]> {
  const unpacked = zipUncompressedBytes(data);
  if (unpacked === null)
    throw new KnowledgeError("knowledge_document_unreadable", `${name}: not a readable DOCX (no zip directory found)`);
  if (unpacked > maxUnpackedBytes) {
    throw new KnowledgeError(
      "knowledge_document_too_large",
      `${name}: unpacks to ${unpacked} bytes, more than ${maxUnpackedBytes} (knowledge.limits.maxUnpackedBytes)`,
    );
  }
  let html: string;
  try {
    const result = await mammoth.convertToHtml(
      { buffer: Buffer.from(data.buffer, data.byteOffset, data.byteLength) },
      { externalFileAccess: false, convertImage: mammoth.images.imgElement(() => Promise.resolve({ src: "" })) },
    );
    html = result.value;
  } catch (err) {
    throw new KnowledgeError(
      "knowledge_document_unreadable",
      `${name}: not a readable DOCX: ${(err as Error).message}`,
      { cause: err },
    );
  }
  return htmlBlocks(html);
}
