/**
 * One small corpus indexed on both engines (a SQLite file with sqlite-vec; a PostgreSQL schema, vectors compared in
 * JavaScript) with the tiny embedding model: what retrieval must agree on. The full-text lists find the same chunks
 * (BM25 and ts_rank order them differently: only the sets are compared), the vector lists are the same exact scan
 * (same order, same distances), and the hybrid search puts the chunk that answers a question first on both.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEngine } from "../../../src/engines/factory.js";
import type { EmbedEngine } from "../../../src/engines/types.js";
import { createKnowledge, ftsQuery, type Knowledge } from "../../../src/knowledge/index.js";
import { systemClock } from "../../../src/lib/clock.js";
import { silentLogger } from "../../../src/lib/logger.js";
import { KnowledgeIndexRepo } from "../../../src/store/repos/knowledge-index-repo.js";
import { generatedModel, testConfig } from "../../helpers/models.js";
import { storeEngines, type OpenedStore } from "../../helpers/sql-stores.js";

const CORPUS = `# Harbour Plumbing

## Opening hours

We are open Monday to Friday from 8 to 18, and on Saturday mornings for emergencies.

## Boiler service

A yearly boiler service costs 95 dollars and takes about an hour. Book it by phone.

## Emergency call-out

A burst pipe or a gas smell is an emergency: call the emergency line, day or night.

## Prices for repairs

Repairs are charged by the hour, 70 dollars an hour, parts extra. We quote before we start.

## Payment

We take cards, bank transfers and cash. Invoices are payable within 14 days.

## Areas we cover

We work across the harbour district and the old town, and within 20 kilometres of the depot.
`;

const QUESTIONS: { text: string; heading: string }[] = [
  { text: "When are you open on Saturday?", heading: "Opening hours" },
  { text: "How much is a boiler service?", heading: "Boiler service" },
  { text: "Do you take cards or cash?", heading: "Payment" },
  { text: "What do repairs cost per hour?", heading: "Prices for repairs" },
  { text: "A pipe burst, what do I do?", heading: "Emergency call-out" },
];

const engines = await storeEngines();
const pgSkip = engines.find((e) => e.engine === "postgres")!.skip;

describe.skipIf(pgSkip)(`retrieval on SQLite and PostgreSQL${pgSkip ? ` (skipped: ${pgSkip})` : ""}`, () => {
  let embedder: EmbedEngine;
  const stores: OpenedStore[] = [];
  const on: { kb: Knowledge; index: KnowledgeIndexRepo; engine: string }[] = [];

  beforeAll(async () => {
    embedder = await createEngine("embed", await generatedModel("tiny-embed"), testConfig());
    for (const e of engines) {
      const store = await e.open();
      stores.push(store);
      const sqlite = store.sql.dialect === "sqlite" ? { sqlite: store.db } : {};
      const kb = createKnowledge({ sql: store.sql, ...sqlite, embedder, clock: systemClock, logger: silentLogger() });
      await kb.addDocument("desk", { name: "faq.md", data: CORPUS });
      on.push({ kb, index: new KnowledgeIndexRepo(store.sql, sqlite), engine: e.engine });
    }
  }, 180_000);

  afterAll(async () => {
    for (const s of stores) await s.close();
    await embedder?.dispose();
  });

  /** A chunk as both engines name it: its heading (ids are each engine's own). */
  const headings = async (index: KnowledgeIndexRepo, ids: number[]) =>
    (await index.chunksByIds(ids)).map((c) => c.heading.split(" > ").at(-1));

  it("indexes the same chunks, with vectors, on both", async () => {
    const [a, b] = await Promise.all(on.map((e) => e.kb.status("desk")));
    expect(a).toMatchObject({
      documents: 1,
      embedModel: "tiny-embed",
      vectorSearch: expect.stringMatching(/^sqlite-vec/),
    });
    expect(b).toMatchObject({
      documents: 1,
      chunks: a!.chunks,
      vectors: a!.chunks,
      vectorSearch: "javascript (PostgreSQL store)",
    });
  });

  it("the full-text lists find the same chunks for each question", async () => {
    for (const q of [...QUESTIONS.map((x) => x.text), "emergency line at night", "kilometres depot"]) {
      const match = ftsQuery(q)!;
      const [a, b] = await Promise.all(
        on.map(async ({ index }) =>
          headings(
            index,
            (await index.bm25("desk", match, 50)).map((r) => r.chunkId),
          ),
        ),
      );
      expect(a!.length, q).toBeGreaterThan(0);
      expect(new Set(b), q).toEqual(new Set(a));
    }
  });

  it("the vector lists are the same scan: same order, same distances", async () => {
    for (const q of QUESTIONS) {
      const [v] = await embedder.embed([q.text], { purpose: "query", signal: new AbortController().signal });
      const [a, b] = await Promise.all(on.map(({ index }) => index.nearest("desk", "tiny-embed", v!, 50)));
      expect(
        await headings(
          on[1]!.index,
          b!.map((r) => r.chunkId),
        ),
      ).toEqual(
        await headings(
          on[0]!.index,
          a!.map((r) => r.chunkId),
        ),
      );
      b!.forEach((r, i) => expect(r.score).toBeCloseTo(a![i]!.score, 5));
    }
  });

  it("the hybrid search answers each question with the same chunk first", async () => {
    for (const q of QUESTIONS) {
      const [a, b] = await Promise.all(on.map(({ kb }) => kb.search("desk", q.text, { k: 3 })));
      expect(a!.mode).toBe("hybrid");
      expect(b!.mode).toBe("hybrid");
      expect(a!.hits[0]?.heading, `${q.text} on SQLite`).toBe(`Harbour Plumbing > ${q.heading}`);
      expect(b!.hits[0]?.heading, `${q.text} on PostgreSQL`).toBe(`Harbour Plumbing > ${q.heading}`);
    }
  });
});
