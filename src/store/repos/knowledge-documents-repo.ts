import type { SqlExecutor, SqlStore } from "../sql/port.js";

export const knowledgeFormats = ["markdown", "text", "html", "pdf", "docx"] as const;
export type KnowledgeFormat = (typeof knowledgeFormats)[number];

/** A `knowledge_documents` row. */
export interface KnowledgeDocument {
  id: number;
  agent: string;
  name: string;
  format: KnowledgeFormat;
  sha256: string;
  bytes: number;
  chars: number;
  chunkCount: number;
  version: number;
  createdAt: number;
  updatedAt: number;
}

export interface NewKnowledgeChunk {
  position: number;
  /** Headings above the chunk, outermost first, joined by " > " ('' when none). */
  heading: string;
  text: string;
}

/** A chunk with the document it belongs to, as a search hit cites it. */
export interface KnowledgeChunk extends NewKnowledgeChunk {
  id: number;
  documentId: number;
  documentName: string;
  documentVersion: number;
  agent: string;
}

/** Vectors of one embedding model, one per chunk in the chunks' order. */
export interface ChunkVectors {
  model: string;
  dims: number;
  vectors: readonly Float32Array[];
}

export interface ReplaceDocumentInput {
  agent: string;
  name: string;
  format: KnowledgeFormat;
  sha256: string;
  bytes: number;
  chars: number;
  chunks: readonly NewKnowledgeChunk[];
  vectors?: ChunkVectors;
}

type Row = Record<string, unknown>;

const toDocument = (r: Row): KnowledgeDocument => ({
  id: r.id as number,
  agent: r.agent as string,
  name: r.name as string,
  format: r.format as KnowledgeFormat,
  sha256: r.sha256 as string,
  bytes: r.bytes as number,
  chars: r.chars as number,
  chunkCount: r.chunk_count as number,
  version: r.version as number,
  createdAt: r.created_at as number,
  updatedAt: r.updated_at as number,
});

export const toChunk = (r: Row): KnowledgeChunk => ({
  id: r.id as number,
  documentId: r.document_id as number,
  documentName: r.document_name as string,
  documentVersion: r.document_version as number,
  agent: r.agent as string,
  position: r.position as number,
  heading: r.heading as string,
  text: r.text as string,
});

export const CHUNK_COLUMNS =
  "c.id, c.document_id, c.agent, c.position, c.heading, c.text, d.name AS document_name, d.version AS document_version";

/** Float32 vector as stored (BLOB, BYTEA) and as sqlite-vec reads it: little-endian on every platform Node runs on. */
export const vectorBlob = (v: Float32Array): Buffer => Buffer.from(v.buffer, v.byteOffset, v.byteLength);

/** A stored vector back as floats; copied when the bytes do not start on a 4-byte boundary (a pooled Buffer). */
export function blobVector(blob: Uint8Array): Float32Array {
  if (blob.byteOffset % 4 === 0) return new Float32Array(blob.buffer, blob.byteOffset, blob.byteLength / 4);
  return new Float32Array(blob.slice().buffer, 0, blob.byteLength / 4);
}

/** Rows per INSERT: 100 chunks of 5 values stay far below both engines' limits on parameters. */
const WRITE_BATCH = 100;
/** `(?, ?), (?, ?)`: `count` rows of `width` parameters. */
const rows = (count: number, width: number) =>
  Array.from({ length: count }, () => `(${Array.from({ length: width }, () => "?").join(", ")})`).join(", ");

const SQL = {
  get: "SELECT * FROM knowledge_documents WHERE agent = ? AND name = ?",
  list: "SELECT * FROM knowledge_documents WHERE agent = ? ORDER BY name",
  // The column named with its table: PostgreSQL reads a bare `version` in DO UPDATE as ambiguous.
  upsert: `INSERT INTO knowledge_documents (agent, name, format, sha256, bytes, chars, chunk_count, created_at, updated_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT (agent, name) DO UPDATE SET format = excluded.format, sha256 = excluded.sha256, bytes = excluded.bytes,
      chars = excluded.chars, chunk_count = excluded.chunk_count, version = knowledge_documents.version + 1,
      updated_at = excluded.updated_at
    RETURNING *`,
  dropChunks: "DELETE FROM knowledge_chunks WHERE document_id = ?",
  chunkIds: "SELECT id, position FROM knowledge_chunks WHERE document_id = ?",
  remove: "DELETE FROM knowledge_documents WHERE agent = ? AND name = ?",
  chunks: `SELECT ${CHUNK_COLUMNS} FROM knowledge_chunks c JOIN knowledge_documents d ON d.id = c.document_id
    WHERE c.document_id = ? ORDER BY c.position`,
};

/**
 * The knowledge base's documents and their chunks, on the SQL port: the node's SQLite file, or PostgreSQL
 * (`store.url`) shared by every node. A document is written whole: `replace` swaps its chunks, their full-text
 * entries (FTS5 triggers on SQLite, a generated tsvector column on PostgreSQL) and their vectors in one
 * transaction, so a reader sees the old version or the new one, never a mix.
 */
export class KnowledgeDocumentsRepo {
  constructor(private readonly sql: SqlStore) {}

  async get(agent: string, name: string): Promise<KnowledgeDocument | null> {
    return this.getOn(this.sql, agent, name);
  }

  async list(agent: string): Promise<KnowledgeDocument[]> {
    return (await this.sql.all<Row>(SQL.list, [agent])).map(toDocument);
  }

  /** Creates the document or replaces it (version + 1), with all its chunks and vectors, atomically. */
  async replace(input: ReplaceDocumentInput, now: number): Promise<KnowledgeDocument> {
    const { vectors } = input;
    if (vectors && vectors.vectors.length !== input.chunks.length) {
      throw new Error(`${vectors.vectors.length} vectors for ${input.chunks.length} chunks`);
    }
    // SQLite: BEGIN IMMEDIATE takes the write lock before reading; PostgreSQL: the upsert locks the document's row
    // until COMMIT. Either way two uploads of one name cannot interleave.
    return this.sql.transaction(async (tx) => {
      const row = await tx.get<Row>(SQL.upsert, [
        input.agent,
        input.name,
        input.format,
        input.sha256,
        input.bytes,
        input.chars,
        input.chunks.length,
        now,
        now,
      ]);
      const doc = toDocument(row!);
      // Chunks go, and with them (cascade, trigger or generated column) their vectors and full-text entries.
      await tx.run(SQL.dropChunks, [doc.id]);
      // Written in batches of rows (a few statements a document, not two a chunk: each is a round trip to PostgreSQL).
      for (let i = 0; i < input.chunks.length; i += WRITE_BATCH) {
        const batch = input.chunks.slice(i, i + WRITE_BATCH);
        await tx.run(
          `INSERT INTO knowledge_chunks (document_id, agent, position, heading, text) VALUES ${rows(batch.length, 5)}`,
          batch.flatMap((c) => [doc.id, doc.agent, c.position, c.heading, c.text]),
        );
      }
      if (vectors) {
        const ids = new Map(
          (await tx.all<{ id: number; position: number }>(SQL.chunkIds, [doc.id])).map((r) => [r.position, r.id]),
        );
        const entries = input.chunks.map((c, i) => [ids.get(c.position)!, vectors.vectors[i]!] as const);
        for (let i = 0; i < entries.length; i += WRITE_BATCH) {
          const batch = entries.slice(i, i + WRITE_BATCH);
          await tx.run(
            `INSERT INTO knowledge_vectors (chunk_id, model, dims, vector) VALUES ${rows(batch.length, 4)}`,
            batch.flatMap(([id, v]) => [id, vectors.model, vectors.dims, vectorBlob(v)]),
          );
        }
      }
      return doc;
    });
  }

  /** Deletes a document with its chunks, vectors and full-text entries; false when there was none. */
  async remove(agent: string, name: string): Promise<boolean> {
    return (await this.removeMany(agent, [name])).length === 1;
  }

  async chunks(documentId: number): Promise<KnowledgeChunk[]> {
    return (await this.sql.all<Row>(SQL.chunks, [documentId])).map(toChunk);
  }

  /** Deletes the named documents with their chunks, vectors and full-text entries in one transaction; returns those that existed. */
  async removeMany(agent: string, names: readonly string[]): Promise<string[]> {
    return this.sql.transaction(async (tx) => {
      const gone: string[] = [];
      for (const name of names) {
        const doc = await this.getOn(tx, agent, name);
        if (!doc) continue;
        await tx.run(SQL.dropChunks, [doc.id]);
        await tx.run(SQL.remove, [agent, name]);
        gone.push(name);
      }
      return gone;
    });
  }

  private async getOn(on: SqlExecutor, agent: string, name: string): Promise<KnowledgeDocument | null> {
    const r = await on.get<Row>(SQL.get, [agent, name]);
    return r ? toDocument(r) : null;
  }
}
