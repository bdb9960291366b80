import { ParleyError, type ParleyErrorOptions } from "../lib/errors.js";

export type KnowledgeErrorCode =
  | "knowledge_agent_invalid"
  | "knowledge_name_invalid"
  | "knowledge_format_unsupported"
  | "knowledge_format_mismatch"
  | "knowledge_document_too_large"
  | "knowledge_document_too_long"
  | "knowledge_document_unreadable"
  | "knowledge_document_empty"
  | "knowledge_document_not_found"
  | "knowledge_embedding_failed";

const STATUS: Record<KnowledgeErrorCode, number> = {
  knowledge_agent_invalid: 400,
  knowledge_name_invalid: 400,
  knowledge_format_unsupported: 415,
  knowledge_format_mismatch: 415,
  knowledge_document_too_large: 413,
  knowledge_document_too_long: 413,
  knowledge_document_unreadable: 422,
  knowledge_document_empty: 422,
  knowledge_document_not_found: 404,
  knowledge_embedding_failed: 503,
};

/**
 * A document the knowledge base refuses, or an operation it cannot do. The
 * message names the document and says what to change; nothing is stored
 * when one is thrown (an existing version of the document stays as it was).
 */
export class KnowledgeError extends ParleyError {
  constructor(code: KnowledgeErrorCode, message: string, options: ParleyErrorOptions = {}) {
    super(code, message, { status: STATUS[code], ...options });
    this.name = "KnowledgeError";
  }
}
