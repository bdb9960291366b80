import type { Database } from "better-sqlite3";
import type { SqlStore } from "../sql/port.js";
import { loadVectorExtension, type VectorSupport } from "../vector-extension.js";
import { blobVector, CHUNK_COLUMNS, toChunk, vectorBlob, type KnowledgeChunk } from "./knowledge-documents-repo.js";
import { toTsQuery } from "./search-tsquery.js";

/**
 * One ranked chunk id: `score` is the full-text rank (higher is better: BM25 on SQLite, ts_rank on PostgreSQL) or
 * the cosine distance (lower is better).
 */
export interface RankedChunk {
  chunkId: number;
  score: number;
}

/** A full-text match: its rank, and the chunk itself (a search then fetches only the vector list's other hits). */
export interface MatchedChunk extends RankedChunk {
  chunk: KnowledgeChunk;
}

export interface KnowledgeIndexOptions {
  /**
   * The SQLite handle behind `sql`, to load sqlite-vec on (SQLite only; without it, or on PostgreSQL, vectors are
   * compared in JavaScript).
   */
  sqlite?: Database;
  /** false compares vectors in JavaScript even where the extension loads (tests compare the two). */
  sqliteVec?: boolean;
}

type Row = Record<string, unknown>;

const SQL = {
  // SQLite: heading words (an FAQ's question) weigh twice the body's. bm25() is lower for better matches: negated.
  bm25: `SELECT ${CHUNK_COLUMNS}, -bm25(knowledge_fts, 2.0, 1.0) AS score FROM knowledge_fts f
    JOIN knowledge_chunks c ON c.id = f.rowid JOIN knowledge_documents d ON d.id = c.document_id
    WHERE knowledge_fts MATCH ? AND c.agent = ? ORDER BY score DESC, c.id LIMIT ?`,
  // PostgreSQL: ts_rank over the generated tsvector (postgres-migrations/*_knowledge.sql), heading (A) weighing 1.0 and text (B) 0.5, the
  // same two to one; higher is better, as the negated BM25 above. Normalization 1 divides by 1 + log(length), so a
  // long chunk does not win by length alone (BM25 normalizes length too). Unlike BM25 it has no IDF: a word found
  // in most chunks counts as much as a rare one, so the order of the hits can differ from SQLite's.
  tsRank: `SELECT ${CHUNK_COLUMNS}, ts_rank('{0.1, 0.2, 0.5, 1.0}', c.search, q.query, 1)::float8 AS score
    FROM knowledge_chunks c JOIN knowledge_documents d ON d.id = c.document_id, to_tsquery('parley_search', ?) AS q(query)
    WHERE c.search @@ q.query AND c.agent = ? ORDER BY score DESC, c.id LIMIT ?`,
  vectors: `SELECT v.chunk_id AS id, v.vector FROM knowledge_vectors v JOIN knowledge_chunks c ON c.id = v.chunk_id
    WHERE c.agent = ? AND v.model = ?`,
  nearestVec: `SELECT v.chunk_id AS id, vec_distance_cosine(v.vector, ?) AS score FROM knowledge_vectors v
    JOIN knowledge_chunks c ON c.id = v.chunk_id WHERE c.agent = ? AND v.model = ? ORDER BY score, v.chunk_id LIMIT ?`,
  missing: `SELECT ${CHUNK_COLUMNS} FROM knowledge_chunks c JOIN knowledge_documents d ON d.id = c.document_id
    WHERE c.agent = ? AND NOT EXISTS (SELECT 1 FROM knowledge_vectors v WHERE v.chunk_id = c.id AND v.model = ?)
    ORDER BY c.id LIMIT ?`,
  missingInDocument: `SELECT count(*) AS n FROM knowledge_chunks c
    WHERE c.document_id = ? AND NOT EXISTS (SELECT 1 FROM knowledge_vectors v WHERE v.chunk_id = c.id AND v.model = ?)`,
  // Upsert from a SELECT, so a chunk deleted meanwhile inserts nothing. PostgreSQL types the SELECT's parameters
  // from no column: they are cast there; SQLite takes them as they come.
  putVector: {
    sqlite: `INSERT INTO knowledge_vectors (chunk_id, model, dims, vector) SELECT id, ?, ?, ? FROM knowledge_chunks
      WHERE id = ? ON CONFLICT (chunk_id, model) DO UPDATE SET dims = excluded.dims, vector = excluded.vector`,
    postgres: `INSERT INTO knowledge_vectors (chunk_id, model, dims, vector)
      SELECT id, ?::text, ?::integer, ?::bytea FROM knowledge_chunks
      WHERE id = ? ON CONFLICT (chunk_id, model) DO UPDATE SET dims = excluded.dims, vector = excluded.vector`,
  },
  counts: `SELECT (SELECT count(*) FROM knowledge_documents WHERE agent = ?) AS documents,
    (SELECT count(*) FROM knowledge_chunks WHERE agent = ?) AS chunks,
    (SELECT count(*) FROM knowledge_vectors v JOIN knowledge_chunks c ON c.id = v.chunk_id
      WHERE c.agent = ? AND v.model = ?) AS vectors`,
};

/**
 * Searches over an agent's chunks, on the SQL port: full text (FTS5's BM25 on SQLite, ts_rank over a tsvector on
 * PostgreSQL), and nearest vectors of one embedding model. Vectors are compared by sqlite-vec's
 * `vec_distance_cosine` when the extension loads on the SQLite connection, else (and always on PostgreSQL) in
 * JavaScript over the same rows: same order, more time. Both are exact scans, which at an agent's few thousand
 * chunks take milliseconds. Each method is one statement: a search costs one for the text (which brings its
 * chunks along), one for the vectors, and one more (`chunksByIds`) only when a hit it returns came from the vector
 * list alone, whatever the number of hits.
 */
export class KnowledgeIndexRepo {
  readonly vectorSupport: VectorSupport;

  constructor(
    private readonly sql: SqlStore,
    options: KnowledgeIndexOptions = {},
  ) {
    this.vectorSupport =
      sql.dialect === "postgres"
        ? { loaded: false, reason: "PostgreSQL store" }
        : options.sqliteVec === false
          ? { loaded: false, reason: "disabled by the caller" }
          : options.sqlite
            ? loadVectorExtension(options.sqlite)
            : { loaded: false, reason: "no SQLite handle to load sqlite-vec on" };
  }

  /**
   * Best full-text matches of an FTS5 query (see knowledge/fts-query.ts for how one is built from a question),
   * higher score first, each with its chunk. On PostgreSQL the query is read as a tsquery (search-tsquery.ts:
   * quoted words, OR).
   */
  async bm25(agent: string, match: string, limit: number): Promise<MatchedChunk[]> {
    const rows =
      this.sql.dialect === "postgres"
        ? await this.sql.all<Row>(SQL.tsRank, [toTsQuery(match), agent, limit])
        : await this.sql.all<Row>(SQL.bm25, [match, agent, limit]);
    return rows.map((r) => ({ chunkId: Number(r.id), score: Number(r.score), chunk: toChunk(r) }));
  }

  /** The `limit` chunks whose vectors (of `model`) are nearest the query's, by cosine distance. */
  async nearest(agent: string, model: string, query: Float32Array, limit: number): Promise<RankedChunk[]> {
    if (this.vectorSupport.loaded) {
      const rows = await this.sql.all<Row>(SQL.nearestVec, [vectorBlob(query), agent, model, limit]);
      return rows.map((r) => ({ chunkId: r.id as number, score: r.score as number }));
    }
    const ranked = (await this.sql.all<Row>(SQL.vectors, [agent, model])).map((r) => ({
      chunkId: Number(r.id),
      score: cosineDistance(query, blobVector(r.vector as Uint8Array)),
    }));
    return ranked.sort((a, b) => a.score - b.score || a.chunkId - b.chunkId).slice(0, limit);
  }

  /** Chunks with their documents, in the order of `ids` (unknown ids are left out). */
  async chunksByIds(ids: readonly number[]): Promise<KnowledgeChunk[]> {
    if (ids.length === 0) return [];
    const rows = await this.sql.all<Row>(
      `SELECT ${CHUNK_COLUMNS} FROM knowledge_chunks c JOIN knowledge_documents d ON d.id = c.document_id
      WHERE c.id IN (${ids.map(() => "?").join(",")})`,
      ids,
    );
    const byId = new Map(rows.map((r) => [r.id as number, toChunk(r)]));
    return ids.flatMap((id) => byId.get(id) ?? []);
  }

  /** Chunks of an agent that have no vector of `model` yet (a new model, or a document added without one). */
  async missingVectors(agent: string, model: string, limit: number): Promise<KnowledgeChunk[]> {
    return (await this.sql.all<Row>(SQL.missing, [agent, model, limit])).map(toChunk);
  }

  /** How many of a document's chunks lack a vector of `model`. */
  async missingInDocument(documentId: number, model: string): Promise<number> {
    return Number((await this.sql.get<{ n: number }>(SQL.missingInDocument, [documentId, model]))!.n);
  }

  /** Stores vectors; a chunk deleted meanwhile (a re-upload) is skipped, not an error. */
  async putVectors(model: string, entries: readonly { chunkId: number; vector: Float32Array }[]): Promise<number> {
    const put = SQL.putVector[this.sql.dialect];
    return this.sql.transaction(async (tx) => {
      let n = 0;
      for (const e of entries)
        n += (await tx.run(put, [model, e.vector.length, vectorBlob(e.vector), e.chunkId])).changes;
      return n;
    });
  }

  async counts(agent: string, model: string): Promise<{ documents: number; chunks: number; vectors: number }> {
    const r = (await this.sql.get<Row>(SQL.counts, [agent, agent, agent, model]))!;
    // PostgreSQL's count(*) is a BIGINT, which the store's pool reads as a number already; Number() for clarity.
    return { documents: Number(r.documents), chunks: Number(r.chunks), vectors: Number(r.vectors) };
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
