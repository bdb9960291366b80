/**
 * The knowledge base on the tiny profile: the generated FAQ (200 entries, 50
 * paraphrased questions) indexed with the tiny embedding double through
 * node-llama-cpp, searched hybrid. The recall floors are below the measured
 * figures (docs/knowledge.md) and exist to catch a broken list, not to
 * grade the double; BM25's is a real figure on real text.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildFaq } from "../../../scripts/knowledge-faq/faq.js";
import { entryQuestion, scoreRetrieval } from "../../../src/bench/knowledge/faq-eval.js";
import { createEngine } from "../../../src/engines/factory.js";
import type { EmbedEngine } from "../../../src/engines/types.js";
import { createKnowledge, ftsQuery, type Knowledge } from "../../../src/knowledge/index.js";
import { systemClock } from "../../../src/lib/clock.js";
import { isAbortError } from "../../../src/lib/errors.js";
import { silentLogger } from "../../../src/lib/logger.js";
import { openDatabase, type Database } from "../../../src/store/index.js";
import { KnowledgeIndexRepo } from "../../../src/store/repos/knowledge-index-repo.js";
import { SqliteSql } from "../../../src/store/sql/index.js";
import { generatedModel, testConfig } from "../../helpers/models.js";

const faq = buildFaq();
const dir = mkdtempSync(join(tmpdir(), "parley-knowledge-faq-"));
let embedder: EmbedEngine;
let db: Database;
let kb: Knowledge;
const deps = () => ({ clock: systemClock, logger: silentLogger() });
const on = (db: Database) => ({ sql: new SqliteSql(db), sqlite: db });

beforeAll(async () => {
  embedder = await createEngine("embed", await generatedModel("tiny-embed"), testConfig());
  db = openDatabase(join(dir, "faq.db"));
  kb = createKnowledge({ ...on(db), embedder, ...deps() });
  await kb.addDocument("dental", { name: "faq.md", data: faq.markdown });
}, 120_000);

afterAll(async () => {
  db?.close();
  await embedder?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

describe("the generated FAQ", () => {
  it("has 200 entries and 50 questions, each pointing at an entry, the same on every build", () => {
    expect(faq.entries).toHaveLength(200);
    expect(faq.questions).toHaveLength(50);
    expect(new Set(faq.entries.map((e) => e.key)).size).toBe(200);
    expect(buildFaq().markdown).toBe(faq.markdown);
  });
});

describe("hybrid retrieval on tiny", () => {
  it("indexes each FAQ entry as one chunk with a vector", async () => {
    expect(await kb.status("dental")).toEqual({
      documents: 1,
      chunks: 200,
      vectors: 200,
      embedModel: "tiny-embed",
      vectorSearch: expect.stringMatching(/^sqlite-vec v/),
    });
    const chunks = (await kb.getDocument("dental", "faq.md"))!.chunks;
    expect(chunks.map((c) => entryQuestion(c.heading))).toEqual(faq.entries.map((e) => e.question));
  });

  it("finds the right entry in the top 3 for most questions: BM25, vectors and the fusion each", async () => {
    const index = new KnowledgeIndexRepo(new SqliteSql(db), { sqlite: db });
    const headings = async (ids: number[]) => (await index.chunksByIds(ids)).map((c) => entryQuestion(c.heading));
    const signal = new AbortController().signal;
    const bm25 = await scoreRetrieval(faq, async (q) =>
      headings((await index.bm25("dental", ftsQuery(q) ?? '""', 10)).map((r) => r.chunkId)),
    );
    const vector = await scoreRetrieval(faq, async (q) => {
      const [v] = await embedder.embed([q], { purpose: "query", signal });
      return headings((await index.nearest("dental", "tiny-embed", v!, 10)).map((r) => r.chunkId));
    });
    const hybrid = await scoreRetrieval(faq, async (q) =>
      (await kb.search("dental", q, { k: 10 })).hits.map((h) => entryQuestion(h.heading)),
    );
    expect(bm25.recallAt3).toBeGreaterThanOrEqual(0.6);
    expect(vector.recallAt3).toBeGreaterThanOrEqual(0.5);
    expect(hybrid.recallAt3).toBeGreaterThanOrEqual(0.6);
  });

  it("returns hits that say which document, version and position they are, and what each list made of them", async () => {
    const { hits, mode, timings } = await kb.search("dental", "Can smokers get implants?");
    expect(mode).toBe("hybrid");
    expect(hits).toHaveLength(3);
    const top = hits[0]!;
    expect(top).toMatchObject({
      documentName: "faq.md",
      documentVersion: 1,
      heading:
        "Brightwater Dental Group: frequently asked questions > Treatments and prices > Who is a dental implant for?",
    });
    expect(top.text).toContain("smokers have a higher failure rate");
    expect(top.bm25?.rank).toBeGreaterThanOrEqual(1);
    expect(top.vector?.rank).toBeGreaterThanOrEqual(1);
    expect(top.vector!.similarity).toBeGreaterThan(0);
    expect(hits.map((h) => h.score)).toEqual([...hits.map((h) => h.score)].sort((a, b) => b - a));
    expect((await kb.getDocument("dental", "faq.md"))!.chunks[top.position]!.id).toBe(top.chunkId);
    expect(timings.embedMs).toBeGreaterThan(0);
    expect(timings.totalMs).toBeGreaterThanOrEqual(timings.bm25Ms + timings.embedMs);
  });

  it("answers an empty or wordless question with nothing, not an error", async () => {
    expect((await kb.search("dental", "   ")).hits).toEqual([]);
    expect((await kb.search("dental", "?!")).hits).toEqual([]);
    expect((await kb.search("nobody", "implants")).hits).toEqual([]);
  });
});

describe("vectors for documents added without a model", () => {
  it("reindex embeds exactly the chunks that lack a vector of the current model", async () => {
    const other = openDatabase(join(dir, "reindex.db"));
    try {
      const lexical = createKnowledge({ ...on(other), embedder: null, ...deps() });
      await lexical.addDocument("dental", { name: "faq.md", data: faq.markdown });
      const hybrid = createKnowledge({ ...on(other), embedder, ...deps() });
      expect(await hybrid.status("dental")).toMatchObject({ chunks: 200, vectors: 0 });
      expect(await hybrid.reindex("dental")).toEqual({ embedded: 200 });
      expect(await hybrid.status("dental")).toMatchObject({ chunks: 200, vectors: 200 });
      expect(await hybrid.reindex("dental")).toEqual({ embedded: 0 });
      // The same bytes again, now fully embedded: nothing to do.
      expect((await hybrid.addDocument("dental", { name: "faq.md", data: faq.markdown })).outcome).toBe("unchanged");
    } finally {
      other.close();
    }
  });

  it("an upload cancelled while embedding stores nothing", async () => {
    const other = openDatabase(join(dir, "abort.db"));
    try {
      const hybrid = createKnowledge({ ...on(other), embedder, ...deps() });
      const controller = new AbortController();
      const upload = hybrid.addDocument(
        "dental",
        { name: "faq.md", data: faq.markdown },
        { signal: controller.signal, onProgress: () => controller.abort() },
      );
      await expect(upload).rejects.toSatisfy(isAbortError);
      expect(await hybrid.listDocuments("dental")).toEqual([]);
      expect(await hybrid.status("dental")).toMatchObject({ chunks: 0, vectors: 0 });
    } finally {
      other.close();
    }
  });
});
