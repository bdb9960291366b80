import type { KnowledgeConfig } from "../config/index.js";
import type { EmbedEngine } from "../engines/types.js";
import type { KnowledgeChunk } from "../store/repos/knowledge-documents-repo.js";
import type { KnowledgeIndexRepo } from "../store/repos/knowledge-index-repo.js";
import { ftsQuery } from "./fts-query.js";
import { reciprocalRankFusion, type RankedList } from "./fusion.js";

/** One retrieved chunk, with where it comes from and why it ranked: what an answer records as its source. */
export interface KnowledgeHit {
  chunkId: number;
  documentId: number;
  documentName: string;
  /** The document's version when it was searched: a citation stays meaningful after a re-upload. */
  documentVersion: number;
  /** Order of the chunk in its document, from 0. */
  position: number;
  heading: string;
  text: string;
  /** Reciprocal-rank-fusion score (higher is better). */
  score: number;
  /** Rank (from 1) and BM25 score, when the full-text list found it. */
  bm25?: { rank: number; score: number };
  /** Rank (from 1) and cosine similarity, when the vector list found it. */
  vector?: { rank: number; similarity: number };
}

export interface KnowledgeSearchResult {
  hits: KnowledgeHit[];
  /** "hybrid": BM25 and vectors fused; "bm25": no embedding model (or the query had no embeddable text). */
  mode: "hybrid" | "bm25";
  /** Where the time went, in ms: what a live turn pays for a search. */
  timings: { bm25Ms: number; embedMs: number; vectorMs: number; totalMs: number };
}

export interface SearchDeps {
  index: KnowledgeIndexRepo;
  embedder: EmbedEngine | null;
  settings: KnowledgeConfig["search"];
}

/**
 * Hybrid retrieval over one agent's chunks: BM25 (FTS5) and nearest vectors
 * (the embedding model's), `candidates` from each, fused by reciprocal rank;
 * the best `k` come back with their documents and both lists' evidence.
 */
export async function hybridSearch(
  deps: SearchDeps,
  agent: string,
  query: string,
  k: number,
  signal: AbortSignal,
): Promise<KnowledgeSearchResult> {
  const started = performance.now();
  const { index, embedder, settings } = deps;
  const match = ftsQuery(query);
  const bm25 = match ? await index.bm25(agent, match, settings.candidates) : [];
  const bm25Done = performance.now();

  let vectors: { chunkId: number; score: number }[] = [];
  let embedMs = 0;
  let vectorMs = 0;
  if (embedder && query.trim()) {
    const [vector] = await embedder.embed([query], { purpose: "query", signal });
    const embedded = performance.now();
    embedMs = embedded - bm25Done;
    if (vector && vector.some((x) => x !== 0))
      vectors = await index.nearest(agent, embedder.info.modelId, vector, settings.candidates);
    vectorMs = performance.now() - embedded;
  }

  const lists: RankedList[] = [{ name: "bm25", ids: bm25.map((r) => r.chunkId) }];
  if (embedder) lists.push({ name: "vector", ids: vectors.map((r) => r.chunkId) });
  const fused = reciprocalRankFusion(lists, settings.rrfK).slice(0, k);
  // The full-text list brought its chunks; only the vector list's other hits are fetched (often none).
  const chunks = new Map(bm25.map((r) => [r.chunkId, r.chunk]));
  const missing = fused.map((f) => f.id).filter((id) => !chunks.has(id));
  if (missing.length > 0) for (const c of await index.chunksByIds(missing)) chunks.set(c.id, c);
  const bm25Score = new Map(bm25.map((r) => [r.chunkId, r.score]));
  const distance = new Map(vectors.map((r) => [r.chunkId, r.score]));
  const hits = fused.flatMap((f) => {
    const chunk = chunks.get(f.id);
    return chunk ? [toHit(chunk, f.score, f.ranks, bm25Score.get(f.id), distance.get(f.id))] : [];
  });
  return {
    hits,
    mode: embedder ? "hybrid" : "bm25",
    timings: { bm25Ms: bm25Done - started, embedMs, vectorMs, totalMs: performance.now() - started },
  };
}

function toHit(
  chunk: KnowledgeChunk,
  score: number,
  ranks: Record<string, number>,
  bm25: number | undefined,
  distance: number | undefined,
): KnowledgeHit {
  const hit: KnowledgeHit = {
    chunkId: chunk.id,
    documentId: chunk.documentId,
    documentName: chunk.documentName,
    documentVersion: chunk.documentVersion,
    position: chunk.position,
    heading: chunk.heading,
    text: chunk.text,
    score,
  };
  if (ranks.bm25 !== undefined && bm25 !== undefined) hit.bm25 = { rank: ranks.bm25, score: bm25 };
  if (ranks.vector !== undefined && distance !== undefined)
    hit.vector = { rank: ranks.vector, similarity: 1 - distance };
  return hit;
}
