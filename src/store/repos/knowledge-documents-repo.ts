import type { Database, Statement } from "better-sqlite3";

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

/** Float32 vector as the BLOB sqlite-vec reads (little-endian on every platform Node runs on). */
export const vectorBlob = (v: Float32Array): Buffer => Buffer.from(v.buffer, v.byteOffset, v.byteLength);

/**
 * The knowledge base's documents and their chunks. A document is written
 * whole: `replace` swaps its chunks, their full-text entries (triggers) and
 * their vectors in one transaction, so a reader sees the old version or the
 * new one, never a mix.
 */
export class KnowledgeDocumentsRepo {
  private readonly s: Record<
    "get" | "list" | "upsert" | "dropChunks" | "insertChunk" | "insertVector" | "remove" | "chunks",
    Statement
  >;

  constructor(private readonly db: Database) {
    this.s = {
      get: db.prepare("SELECT * FROM knowledge_documents WHERE agent = ? AND name = ?"),
      list: db.prepare("SELECT * FROM knowledge_documents WHERE agent = ? ORDER BY name"),
      upsert:
        db.prepare(`INSERT INTO knowledge_documents (agent, name, format, sha256, bytes, chars, chunk_count, created_at, updated_at)
        VALUES (@agent, @name, @format, @sha256, @bytes, @chars, @chunkCount, @now, @now)
        ON CONFLICT (agent, name) DO UPDATE SET format = excluded.format, sha256 = excluded.sha256, bytes = excluded.bytes,
          chars = excluded.chars, chunk_count = excluded.chunk_count, version = version + 1, updated_at = excluded.updated_at
        RETURNING *`),
      dropChunks: db.prepare("DELETE FROM knowledge_chunks WHERE document_id = ?"),
      insertChunk: db.prepare(
        "INSERT INTO knowledge_chunks (document_id, agent, position, heading, text) VALUES (?, ?, ?, ?, ?)",
      ),
      insertVector: db.prepare("INSERT INTO knowledge_vectors (chunk_id, model, dims, vector) VALUES (?, ?, ?, ?)"),
      remove: db.prepare("DELETE FROM knowledge_documents WHERE agent = ? AND name = ?"),
      chunks:
        db.prepare(`SELECT ${CHUNK_COLUMNS} FROM knowledge_chunks c JOIN knowledge_documents d ON d.id = c.document_id
        WHERE c.document_id = ? ORDER BY c.position`),
    };
  }

  get(agent: string, name: string): KnowledgeDocument | null {
    const r = this.s.get.get(agent, name) as Row | undefined;
    return r ? toDocument(r) : null;
  }

  list(agent: string): KnowledgeDocument[] {
    return (this.s.list.all(agent) as Row[]).map(toDocument);
  }

  /** Creates the document or replaces it (version + 1), with all its chunks and vectors, atomically. */
  replace(input: ReplaceDocumentInput, now: number): KnowledgeDocument {
    const { vectors } = input;
    if (vectors && vectors.vectors.length !== input.chunks.length) {
      throw new Error(`${vectors.vectors.length} vectors for ${input.chunks.length} chunks`);
    }
    const write = this.db.transaction(() => {
      const doc = toDocument(this.s.upsert.get({ ...input, chunkCount: input.chunks.length, now }) as Row);
      // Chunks go, and with them (cascade and trigger) their vectors and full-text entries.
      this.s.dropChunks.run(doc.id);
      input.chunks.forEach((chunk, i) => {
        const id = Number(
          this.s.insertChunk.run(doc.id, doc.agent, chunk.position, chunk.heading, chunk.text).lastInsertRowid,
        );
        const vector = vectors?.vectors[i];
        if (vectors && vector) this.s.insertVector.run(id, vectors.model, vectors.dims, vectorBlob(vector));
      });
      return doc;
    });
    // IMMEDIATE: take the write lock before reading, so two uploads of one name cannot interleave.
    return write.immediate();
  }

  /** Deletes a document with its chunks, vectors and full-text entries; false when there was none. */
  remove(agent: string, name: string): boolean {
    const remove = this.db.transaction(() => {
      const doc = this.get(agent, name);
      if (!doc) return false;
      this.s.dropChunks.run(doc.id);
      this.s.remove.run(agent, name);
      return true;
    });
    return remove.immediate();
  }

  chunks(documentId: number): KnowledgeChunk[] {
    return (this.s.chunks.all(documentId) as Row[]).map(toChunk);
  }

  /** Deletes the named documents with their chunks, vectors and full-text entries in one transaction; returns those that existed. */
  removeMany(agent: string, names: readonly string[]): string[] {
    const remove = this.db.transaction(() => {
      const gone: string[] = [];
      for (const name of names) {
        const doc = this.get(agent, name);
        if (!doc) continue;
        this.s.dropChunks.run(doc.id);
        this.s.remove.run(agent, name);
        gone.push(name);
      }
      return gone;
    });
    return remove.immediate();
  }
}
