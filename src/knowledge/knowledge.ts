import { createHash } from "node:crypto";
import { knowledgeSection, type KnowledgeConfig } from "../config/index.js";
import type { EmbedEngine } from "../engines/types.js";
import { isAbortError } from "../lib/errors.js";
import type { Clock } from "../lib/clock.js";
import type { Logger } from "../lib/logger.js";
import type { Database } from "../store/index.js";
import type { SqlStore } from "../store/sql/index.js";
import {
  KnowledgeDocumentsRepo,
  type KnowledgeChunk,
  type KnowledgeDocument,
  type KnowledgeFormat,
} from "../store/repos/knowledge-documents-repo.js";
import { KnowledgeIndexRepo } from "../store/repos/knowledge-index-repo.js";
import { chunkBlocks, embeddingText } from "./chunker.js";
import { KnowledgeError } from "./errors.js";
import { extractDocument } from "./formats/extract.js";
import { checkAgent, checkDocumentName } from "./names.js";
import { hybridSearch, type KnowledgeSearchResult } from "./search.js";

export interface KnowledgeDeps {
  /** Where the documents and their index are: the node's SQLite file, or PostgreSQL (`store.url`) shared by the nodes. */
  sql: SqlStore;
  /** The SQLite handle behind `sql`, on which sqlite-vec is loaded (leave out on PostgreSQL: vectors compare in JavaScript). */
  sqlite?: Database;
  /** The profile's embedding model; null: retrieval is BM25 alone. */
  embedder: EmbedEngine | null;
  clock: Clock;
  logger: Logger;
  /** `knowledge` from the config; defaults when left out. */
  settings?: KnowledgeConfig;
}

export interface DocumentInput {
  /** The document's name within the agent (a file name): uploading the same name again replaces it. */
  name: string;
  data: Uint8Array | string;
  /** An upload's Content-Type; the extension decides when absent. */
  contentType?: string;
  format?: KnowledgeFormat;
}

export interface AddDocumentResult {
  document: KnowledgeDocument;
  /** "created", "replaced" (a new version), or "unchanged" (the same bytes were already indexed). */
  outcome: "created" | "replaced" | "unchanged";
  /** Whether the chunks have vectors of the current embedding model. */
  embedded: boolean;
  timings: { extractMs: number; embedMs: number; writeMs: number };
}

export interface KnowledgeStatus {
  documents: number;
  chunks: number;
  /** Chunks with a vector of the current embedding model. */
  vectors: number;
  embedModel: string | null;
  /** How vectors are compared: "sqlite-vec v0.1.9", "javascript (why)" (always on PostgreSQL), or "off". */
  vectorSearch: string;
}

/** The knowledge base's facade: what the API, the live `search_knowledge` tool and voicemail extraction use. */
export interface Knowledge {
  addDocument(
    agent: string,
    input: DocumentInput,
    options?: { signal?: AbortSignal; onProgress?: (embedded: number, total: number) => void },
  ): Promise<AddDocumentResult>;
  removeDocument(agent: string, name: string): Promise<boolean>;
  /** Deletes the named documents (with their chunks) in one transaction: all or none; returns those that existed. */
  removeDocuments(agent: string, names: readonly string[]): Promise<string[]>;
  listDocuments(agent: string): Promise<KnowledgeDocument[]>;
  /** A document with its chunks, in order; null when the agent has no such document. */
  getDocument(agent: string, name: string): Promise<{ document: KnowledgeDocument; chunks: KnowledgeChunk[] } | null>;
  search(agent: string, query: string, options?: { k?: number; signal?: AbortSignal }): Promise<KnowledgeSearchResult>;
  /** Embeds the agent's chunks that lack a vector of the current model (a new profile, an older database). */
  reindex(agent: string, options?: { signal?: AbortSignal }): Promise<{ embedded: number }>;
  status(agent: string): Promise<KnowledgeStatus>;
}

const EMBED_BATCH = 16;

/**
 * Builds the knowledge base over a database and an optional embedder.
 *
 * @example
 *   const kb = createKnowledge({ db, embedder, clock: systemClock, logger });
 *   await kb.addDocument("reception", { name: "faq.md", data: markdown });
 *   const { hits } = await kb.search("reception", "when are you open?");
 */
export function createKnowledge(deps: KnowledgeDeps): Knowledge {
  const settings = deps.settings ?? knowledgeSection.parse({});
  const documents = new KnowledgeDocumentsRepo(deps.sql);
  const index = new KnowledgeIndexRepo(deps.sql, deps.sqlite ? { sqlite: deps.sqlite } : {});
  const { embedder, clock, logger } = deps;
  const neverAborted = new AbortController().signal;

  const embedAll = async (
    texts: string[],
    signal: AbortSignal,
    onProgress?: (done: number, total: number) => void,
  ): Promise<Float32Array[]> => {
    if (!embedder) return [];
    const out: Float32Array[] = [];
    try {
      for (let i = 0; i < texts.length; i += EMBED_BATCH) {
        out.push(...(await embedder.embed(texts.slice(i, i + EMBED_BATCH), { purpose: "document", signal })));
        onProgress?.(out.length, texts.length);
      }
    } catch (err) {
      if (isAbortError(err)) throw err;
      throw new KnowledgeError(
        "knowledge_embedding_failed",
        `embedding model ${embedder.info.modelId} failed: ${(err as Error).message}`,
        { cause: err, retryable: true },
      );
    }
    return out;
  };

  return {
    async addDocument(agent, input, options = {}) {
      checkAgent(agent);
      const name = checkDocumentName(input.name);
      const signal = options.signal ?? neverAborted;
      const data = typeof input.data === "string" ? Buffer.from(input.data, "utf8") : input.data;
      const sha256 = createHash("sha256").update(data).digest("hex");
      const existing = await documents.get(agent, name);
      const model = embedder?.info.modelId ?? null;
      if (
        existing &&
        existing.sha256 === sha256 &&
        (!model || (await index.missingInDocument(existing.id, model)) === 0)
      ) {
        return {
          document: existing,
          outcome: "unchanged",
          embedded: model !== null,
          timings: { extractMs: 0, embedMs: 0, writeMs: 0 },
        };
      }
      const started = performance.now();
      const extracted = await extractDocument(
        {
          name,
          data,
          ...(input.contentType ? { contentType: input.contentType } : {}),
          ...(input.format ? { format: input.format } : {}),
        },
        settings.limits,
      );
      const chunks = chunkBlocks(extracted.blocks, settings.chunking);
      if (chunks.length > settings.limits.maxChunks) {
        throw new KnowledgeError(
          "knowledge_document_too_long",
          `${name}: ${chunks.length} chunks, more than the ${settings.limits.maxChunks} a document may have (knowledge.limits.maxChunks); split it`,
        );
      }
      const extracted_ = performance.now();
      const vectors = await embedAll(chunks.map(embeddingText), signal, options.onProgress);
      const embedded_ = performance.now();
      const document = await documents.replace(
        {
          agent,
          name,
          format: extracted.format,
          sha256,
          bytes: data.byteLength,
          chars: extracted.chars,
          chunks,
          ...(embedder && model ? { vectors: { model, dims: embedder.dimensions, vectors } } : {}),
        },
        clock.now(),
      );
      const timings = {
        extractMs: extracted_ - started,
        embedMs: embedded_ - extracted_,
        writeMs: performance.now() - embedded_,
      };
      logger.info(
        {
          agent,
          document: name,
          version: document.version,
          format: extracted.format,
          chunks: chunks.length,
          ...timings,
        },
        "knowledge document indexed",
      );
      return { document, outcome: existing ? "replaced" : "created", embedded: model !== null, timings };
    },

    async removeDocument(agent, name) {
      const removed = await documents.remove(checkAgent(agent), checkDocumentName(name));
      if (removed) logger.info({ agent, document: name }, "knowledge document removed");
      return removed;
    },

    async removeDocuments(agent, names) {
      const removed = await documents.removeMany(checkAgent(agent), names.map(checkDocumentName));
      for (const name of removed) logger.info({ agent, document: name }, "knowledge document removed");
      return removed;
    },

    listDocuments: async (agent) => documents.list(checkAgent(agent)),

    async getDocument(agent, name) {
      const document = await documents.get(checkAgent(agent), checkDocumentName(name));
      return document ? { document, chunks: await documents.chunks(document.id) } : null;
    },

    search(agent, query, options = {}) {
      checkAgent(agent);
      const k = Math.max(1, Math.min(20, Math.trunc(options.k ?? settings.search.k)));
      return hybridSearch(
        { index, embedder, settings: settings.search },
        agent,
        query,
        k,
        options.signal ?? neverAborted,
      );
    },

    async reindex(agent, options = {}) {
      checkAgent(agent);
      if (!embedder) return { embedded: 0 };
      const model = embedder.info.modelId;
      let embedded = 0;
      for (;;) {
        const missing = await index.missingVectors(agent, model, EMBED_BATCH * 4);
        if (missing.length === 0) break;
        const vectors = await embedAll(missing.map(embeddingText), options.signal ?? neverAborted);
        const stored = await index.putVectors(
          model,
          missing.map((c, i) => ({ chunkId: c.id, vector: vectors[i]! })),
        );
        embedded += stored;
        if (stored === 0) break; // every chunk of the batch went (a re-upload) while it was embedded
      }
      if (embedded > 0) logger.info({ agent, model, embedded }, "knowledge chunks embedded");
      return { embedded };
    },

    async status(agent) {
      const model = embedder?.info.modelId ?? null;
      const counts = await index.counts(checkAgent(agent), model ?? "");
      const support = index.vectorSupport;
      const vectorSearch = !embedder
        ? "off"
        : support.loaded
          ? `sqlite-vec ${support.version}`
          : `javascript (${support.reason})`;
      return { ...counts, embedModel: model, vectorSearch };
    },
  };
}
