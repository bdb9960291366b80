import type { Database, Statement } from "better-sqlite3";
import { loadVectorExtension, type VectorSupport } from "../vector-extension.js";
import { CHUNK_COLUMNS, toChunk, vectorBlob, type KnowledgeChunk } from "./knowledge-documents-repo.js";

/** One ranked chunk id: `score` is BM25 (higher is better) or cosine distance (lower is better). */
export interface RankedChunk {
  chunkId: number;
  score: number;
}

type Row = Record<string, unknown>;

/**
 * Searches over an agent's chunks: BM25 through FTS5, and nearest vectors of
 * one embedding model. Vectors are compared by sqlite-vec's
 * `vec_distance_cosine` when the extension loads on this connection, else in
 * JavaScript over the same rows (same order, more time): both are exact
 * scans, which at an agent's few thousand chunks take milliseconds.
 */
export class KnowledgeIndexRepo {
  readonly vectorSupport: VectorSupport;
  private readonly s: Record<"bm25" | "vectors" | "missing" | "missingInDocument" | "putVector" | "counts", Statement>;
  private readonly nearestSql: Statement | null;

  /** `sqliteVec: false` compares vectors in JavaScript even where the extension loads (tests compare the two). */
  constructor(
    private readonly db: Database,
    options: { sqliteVec?: boolean } = {},
  ) {
    this.vectorSupport =
      options.sqliteVec === false ? { loaded: false, reason: "disabled by the caller" } : loadVectorExtension(db);
    this.s = {
      // Heading words (an FAQ's question) weigh twice the body's. bm25() is lower for better matches: negated.
      bm25: db.prepare(`SELECT f.rowid AS id, -bm25(knowledge_fts, 2.0, 1.0) AS score FROM knowledge_fts f
        JOIN knowledge_chunks c ON c.id = f.rowid
        WHERE knowledge_fts MATCH ? AND c.agent = ? ORDER BY score DESC, f.rowid LIMIT ?`),
      vectors:
        db.prepare(`SELECT v.chunk_id AS id, v.vector FROM knowledge_vectors v JOIN knowledge_chunks c ON c.id = v.chunk_id
        WHERE c.agent = ? AND v.model = ?`),
      missing:
        db.prepare(`SELECT ${CHUNK_COLUMNS} FROM knowledge_chunks c JOIN knowledge_documents d ON d.id = c.document_id
        WHERE c.agent = ? AND NOT EXISTS (SELECT 1 FROM knowledge_vectors v WHERE v.chunk_id = c.id AND v.model = ?)
        ORDER BY c.id LIMIT ?`),
      missingInDocument: db.prepare(`SELECT count(*) AS n FROM knowledge_chunks c
        WHERE c.document_id = ? AND NOT EXISTS (SELECT 1 FROM knowledge_vectors v WHERE v.chunk_id = c.id AND v.model = ?)`),
      putVector: db.prepare(
        "INSERT OR REPLACE INTO knowledge_vectors (chunk_id, model, dims, vector) SELECT id, ?, ?, ? FROM knowledge_chunks WHERE id = ?",
      ),
      counts: db.prepare(`SELECT (SELECT count(*) FROM knowledge_documents WHERE agent = @agent) AS documents,
        (SELECT count(*) FROM knowledge_chunks WHERE agent = @agent) AS chunks,
        (SELECT count(*) FROM knowledge_vectors v JOIN knowledge_chunks c ON c.id = v.chunk_id WHERE c.agent = @agent AND v.model = @model) AS vectors`),
    };
    this.nearestSql = this.vectorSupport.loaded
      ? db.prepare(`SELECT v.chunk_id AS id, vec_distance_cosine(v.vector, ?) AS score FROM knowledge_vectors v
          JOIN knowledge_chunks c ON c.id = v.chunk_id WHERE c.agent = ? AND v.model = ? ORDER BY score, v.chunk_id LIMIT ?`)
      : null;
  }

  /** Best BM25 matches of an FTS5 query (see knowledge/fts-query.ts for how one is built from a question). */
  bm25(agent: string, match: string, limit: number): RankedChunk[] {
    return (this.s.bm25.all(match, agent, limit) as Row[]).map((r) => ({
      chunkId: r.id as number,
      score: r.score as number,
    }));
  }

  /** The `limit` chunks whose vectors (of `model`) are nearest the query's, by cosine distance. */
  nearest(agent: string, model: string, query: Float32Array, limit: number): RankedChunk[] {
    if (this.nearestSql) {
      return (this.nearestSql.all(vectorBlob(query), agent, model, limit) as Row[]).map((r) => ({
        chunkId: r.id as number,
        score: r.score as number,
      }));
    }
    const ranked = (this.s.vectors.all(agent, model) as Row[]).map((r) => {
      const blob = r.vector as Buffer;
      const v = new Float32Array(blob.buffer, blob.byteOffset, blob.byteLength / 4);
      return { chunkId: r.id as number, score: cosineDistance(query, v) };
    });
    return ranked.sort((a, b) => a.score - b.score || a.chunkId - b.chunkId).slice(0, limit);
  }

  /** Chunks with their documents, in the order of `ids` (unknown ids are left out). */
  chunksByIds(ids: readonly number[]): KnowledgeChunk[] {
    if (ids.length === 0) return [];
    const rows = this.db
      .prepare(
        `SELECT ${CHUNK_COLUMNS} FROM knowledge_chunks c JOIN knowledge_documents d ON d.id = c.document_id
      WHERE c.id IN (${ids.map(() => "?").join(",")})`,
      )
      .all(...ids) as Row[];
    const byId = new Map(rows.map((r) => [r.id as number, toChunk(r)]));
    return ids.flatMap((id) => byId.get(id) ?? []);
  }

  /** Chunks of an agent that have no vector of `model` yet (a new model, or a document added without one). */
  missingVectors(agent: string, model: string, limit: number): KnowledgeChunk[] {
    return (this.s.missing.all(agent, model, limit) as Row[]).map(toChunk);
  }

  /** How many of a document's chunks lack a vector of `model`. */
  missingInDocument(documentId: number, model: string): number {
    return (this.s.missingInDocument.get(documentId, model) as { n: number }).n;
  }

  /** Stores vectors; a chunk deleted meanwhile (a re-upload) is skipped, not an error. */
  putVectors(model: string, entries: readonly { chunkId: number; vector: Float32Array }[]): number {
    const put = this.db.transaction(() =>
      entries.reduce(
        (n, e) => n + this.s.putVector.run(model, e.vector.length, vectorBlob(e.vector), e.chunkId).changes,
        0,
      ),
    );
    return put.immediate();
  }

  counts(agent: string, model: string): { documents: number; chunks: number; vectors: number } {
    return this.s.counts.get({ agent, model }) as { documents: number; chunks: number; vectors: number };
  }
}

/** 1 - cosine similarity, as sqlite-vec's vec_distance_cosine computes it. */
function cosineDistance(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i] ?? 0;
    dot += x * y;
    na += x * x;
    nb += y * y;
  }
  return na === 0 || nb === 0 ? 1 : 1 - dot / Math.sqrt(na * nb);
}
