/** The knowledge base: documents per agent, chunked, indexed twice (FTS5 BM25 and vectors), searched hybrid. */
export {
  createKnowledge,
  type AddDocumentResult,
  type DocumentInput,
  type Knowledge,
  type KnowledgeDeps,
  type KnowledgeStatus,
} from "./knowledge.js";
export type { KnowledgeHit, KnowledgeSearchResult } from "./search.js";
export { KnowledgeError, type KnowledgeErrorCode } from "./errors.js";
export { chunkBlocks, defaultChunking, embeddingText, type ChunkOptions } from "./chunker.js";
export { extractDocument, type ExtractLimits, type Extracted } from "./formats/extract.js";
export type { Block } from "./formats/blocks.js";
export { ftsQuery, queryTerms } from "./fts-query.js";
export { reciprocalRankFusion, RRF_K } from "./fusion.js";
export type { KnowledgeChunk, KnowledgeDocument, KnowledgeFormat } from "../store/repos/knowledge-documents-repo.js";
