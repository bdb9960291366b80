import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ParleyConfig } from "../config/index.js";
import { createEngine } from "../engines/factory.js";
import type { EmbedEngine } from "../engines/types.js";
import { createKnowledge, ftsQuery, type Knowledge } from "../knowledge/index.js";
import { systemClock } from "../lib/clock.js";
import { silentLogger } from "../lib/logger.js";
import { openDatabase } from "../store/index.js";
import { openSqlStore } from "../store/sql/index.js";
import { KnowledgeIndexRepo } from "../store/repos/knowledge-index-repo.js";
import { entryQuestion, loadFaq, scoreRetrieval, type FaqSet, type RetrievalScores } from "./knowledge/faq-eval.js";
import { profileModelRef } from "./knowledge/profile-model.js";
import { benchKnowledgeTurn, type KnowledgeTurnReport } from "./knowledge/turn-bench.js";
import { machineFacts, percentile, round } from "./stats.js";

export interface KnowledgeBenchOptions {
  config: ParleyConfig;
  cwd: string;
  /** Passes over the 50 questions for the latency figures (after one warm-up pass). */
  runs: number;
  /** Timed turns each way for the turn section (0: no turn section). */
  turnRuns: number;
  /** Where the turn section's scripted LLM is generated (once). */
  cacheDir: string;
  log: (line: string) => void;
}

interface LatencyStats {
  p50: number;
  p95: number;
  mean: number;
}

export interface KnowledgeBenchReport {
  bench: "knowledge";
  profile: string;
  /** Where the index was: a temporary SQLite file, or a temporary schema of PostgreSQL (with store.url). */
  store: "sqlite" | "postgres";
  embedModel: string | null;
  vectorSearch: string;
  faq: { entries: number; questions: number; chunks: number; indexMs: number };
  /** Retrieval on the 50 questions: BM25 alone, the vector list alone, both fused (what the agent gets). */
  retrieval: { bm25: RetrievalScores; vector: RetrievalScores | null; hybrid: RetrievalScores | null };
  /** What one search costs a live turn, ms: the hybrid search (query embedding included), and BM25 alone. */
  latencyMs: { hybrid: LatencyStats | null; embedQuery: LatencyStats | null; bm25Only: LatencyStats; samples: number };
  /** What search_knowledge adds to a live turn (null: --turn-runs 0, or a profile whose LLM is a real model). */
  turn: KnowledgeTurnReport | null;
  machine: Record<string, unknown>;
}

const AGENT = "bench";

/**
 * `parley bench knowledge`: the generated FAQ (200 entries, 50 paraphrased
 * questions) indexed into a temporary database with the profile's embedding
 * model, then recall@1/@3 and MRR of BM25, vectors and the fusion, and the
 * latency a live turn pays for one search; then the turn section: the same
 * question answered directly and through search_knowledge (knowledge/turn-bench.ts).
 */
export async function benchKnowledge(o: KnowledgeBenchOptions): Promise<KnowledgeBenchReport> {
  const faq = await loadFaq();
  const embedder = await loadEmbedder(o.config, o.cwd, o.log);
  const dir = await mkdtemp(join(tmpdir(), "parley-bench-knowledge-"));
  const db = openDatabase(join(dir, "parley.db"));
  // With store.url, a schema of its own in that database, dropped at the end: the retrieval a shared node pays.
  const schema = `bench_knowledge_${process.pid}_${Date.now()}`;
  const sql = openSqlStore(db, { ...o.config.store, schema });
  try {
    await sql.open();
    const sqlite = sql.dialect === "sqlite" ? { sqlite: db } : {};
    const deps = { sql, ...sqlite, clock: systemClock, logger: silentLogger(), settings: o.config.knowledge };
    const hybrid = createKnowledge({ ...deps, embedder });
    const lexical = createKnowledge({ ...deps, embedder: null });
    const started = performance.now();
    const added = await hybrid.addDocument(AGENT, { name: "brightwater-faq.md", data: faq.markdown });
    const indexMs = performance.now() - started;
    o.log(`indexed ${faq.entries.length} entries as ${added.document.chunkCount} chunks in ${Math.round(indexMs)} ms`);
    const index = new KnowledgeIndexRepo(sql, sqlite);
    const retrieval = await scoreAll(faq, index, hybrid, embedder);
    o.log(
      `recall@3: BM25 ${retrieval.bm25.recallAt3}${retrieval.hybrid ? `, vectors ${retrieval.vector?.recallAt3}, hybrid ${retrieval.hybrid.recallAt3}` : ""}`,
    );
    const latencyMs = await measureLatency(faq, hybrid, lexical, embedder, o.runs);
    const { vectorSearch } = await hybrid.status(AGENT);
    const turn =
      o.turnRuns > 0 ? await benchKnowledgeTurn({ ...o, runs: o.turnRuns, knowledge: hybrid, agent: AGENT }) : null;
    return {
      bench: "knowledge",
      profile: o.config.profile,
      store: sql.dialect,
      embedModel: embedder?.info.modelId ?? null,
      vectorSearch,
      faq: {
        entries: faq.entries.length,
        questions: faq.questions.length,
        chunks: added.document.chunkCount,
        indexMs: round(indexMs, 1),
      },
      retrieval,
      latencyMs,
      turn,
      machine: machineFacts(),
    };
  } finally {
    if (sql.dialect === "postgres") await sql.run(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => {});
    await sql.close();
    db.close();
    await embedder?.dispose();
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * The profile's embedding model, loaded as the server will load it; null when
 * the profile names none. Like every bench, a model with nothing to download
 * (the tiny double, the load doubles) is generated on first use.
 */
async function loadEmbedder(
  config: ParleyConfig,
  cwd: string,
  log: (line: string) => void,
): Promise<EmbedEngine | null> {
  const ref = await profileModelRef(config, cwd, "embed", log);
  if (!ref) {
    log(`profile ${config.profile} has no embedding model: BM25 only`);
    return null;
  }
  return createEngine("embed", ref, config);
}

async function scoreAll(
  faq: FaqSet,
  index: KnowledgeIndexRepo,
  kb: Knowledge,
  embedder: EmbedEngine | null,
): Promise<KnowledgeBenchReport["retrieval"]> {
  const headings = async (ids: number[]) => (await index.chunksByIds(ids)).map((c) => entryQuestion(c.heading));
  const bm25 = await scoreRetrieval(faq, async (q) => {
    const match = ftsQuery(q);
    return match ? headings((await index.bm25(AGENT, match, 10)).map((r) => r.chunkId)) : [];
  });
  if (!embedder) return { bm25, vector: null, hybrid: null };
  const signal = new AbortController().signal;
  const vector = await scoreRetrieval(faq, async (q) => {
    const [v] = await embedder.embed([q], { purpose: "query", signal });
    return v ? headings((await index.nearest(AGENT, embedder.info.modelId, v, 10)).map((r) => r.chunkId)) : [];
  });
  const hybrid = await scoreRetrieval(faq, async (q) =>
    (await kb.search(AGENT, q, { k: 10 })).hits.map((h) => entryQuestion(h.heading)),
  );
  return { bm25, vector, hybrid };
}

async function measureLatency(
  faq: FaqSet,
  hybrid: Knowledge,
  lexical: Knowledge,
  embedder: EmbedEngine | null,
  runs: number,
): Promise<KnowledgeBenchReport["latencyMs"]> {
  const total: number[] = [];
  const embed: number[] = [];
  const bm25Only: number[] = [];
  for (let run = 0; run <= runs; run++) {
    for (const q of faq.questions) {
      const h = embedder ? await hybrid.search(AGENT, q.text) : null;
      const l = await lexical.search(AGENT, q.text);
      if (run === 0) continue; // warm-up: first statements prepared, caches filled
      if (h) {
        total.push(h.timings.totalMs);
        embed.push(h.timings.embedMs);
      }
      bm25Only.push(l.timings.totalMs);
    }
  }
  const stats = (xs: number[]): LatencyStats => ({
    p50: round(percentile(xs, 50), 3),
    p95: round(percentile(xs, 95), 3),
    mean: round(xs.reduce((a, b) => a + b, 0) / xs.length, 3),
  });
  return {
    hybrid: embedder ? stats(total) : null,
    embedQuery: embedder ? stats(embed) : null,
    bm25Only: stats(bm25Only),
    samples: bm25Only.length,
  };
}
