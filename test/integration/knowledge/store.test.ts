/**
 * The knowledge repositories on both engines (a SQLite file; a PostgreSQL schema when the test database answers):
 * a re-upload swaps a document's chunks atomically, the full-text index stays exactly in step (FTS5 triggers; a
 * generated tsvector), concurrent uploads of one name serialize, and vectors rank the same whichever compares them.
 * SQLite alone: a reader on another connection never sees a mix, and sqlite-vec ranks as the JavaScript fallback.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { openDatabase, type Database } from "../../../src/store/index.js";
import {
  KnowledgeDocumentsRepo,
  type ReplaceDocumentInput,
} from "../../../src/store/repos/knowledge-documents-repo.js";
import { KnowledgeIndexRepo } from "../../../src/store/repos/knowledge-index-repo.js";
import { SqliteSql, type SqlStore } from "../../../src/store/sql/index.js";
import { storeEngines, type OpenedStore } from "../../helpers/sql-stores.js";

const dir = mkdtempSync(join(tmpdir(), "parley-knowledge-store-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
const freshDb = (): { db: Database; file: string; sql: SqlStore } => {
  const file = join(dir, `k${++n}.db`);
  const db = openDatabase(file);
  return { db, file, sql: new SqliteSql(db) };
};

/** Version v of a document: v + 2 chunks, each naming its version. */
function version(v: number, vectors?: { model: string; dims: number }): ReplaceDocumentInput {
  const chunks = Array.from({ length: v + 2 }, (_, i) => ({
    position: i,
    heading: `Part ${i}`,
    text: `release${v} paragraph ${i} about boilers`,
  }));
  return {
    agent: "reception",
    name: "manual.md",
    format: "markdown",
    sha256: String(v).padStart(64, "0"),
    bytes: 100 * v,
    chars: 90 * v,
    chunks,
    ...(vectors
      ? {
          vectors: {
            ...vectors,
            vectors: chunks.map((_, i) => Float32Array.from({ length: vectors.dims }, (_, d) => Math.sin(v + i + d))),
          },
        }
      : {}),
  };
}

/** The full-text index holds exactly the chunks' rows: FTS5's own check on SQLite; on PostgreSQL every chunk has its tsvector. */
async function ftsIntegrity(store: OpenedStore): Promise<void> {
  if (store.sql.dialect === "sqlite") {
    // Throws SQLITE_CORRUPT_VTAB when the index and the content table differ.
    store.db.prepare("INSERT INTO knowledge_fts (knowledge_fts, rank) VALUES ('integrity-check', 1)").run();
    return;
  }
  const r = await store.sql.get<{ n: number }>("SELECT count(*) AS n FROM knowledge_chunks WHERE search IS NULL");
  expect(Number(r!.n)).toBe(0);
}

const count = async (sql: SqlStore, table: string) =>
  Number((await sql.get<{ n: number }>(`SELECT count(*) AS n FROM ${table}`))!.n);

describe.each(await storeEngines())("knowledge repositories on $label", ({ skip, open }) => {
  let store: OpenedStore;
  afterEach(async () => store?.close());
  const repos = async () => {
    store = await open();
    const sqlite = store.sql.dialect === "sqlite" ? { sqlite: store.db } : {};
    return { docs: new KnowledgeDocumentsRepo(store.sql), index: new KnowledgeIndexRepo(store.sql, sqlite) };
  };

  it.skipIf(skip)(
    "creates, replaces (version + 1) and removes a document with its chunks, vectors and full-text rows",
    async () => {
      const { docs, index } = await repos();
      const first = await docs.replace(version(1, { model: "m", dims: 4 }), 1000);
      expect(first).toMatchObject({ version: 1, chunkCount: 3, createdAt: 1000, updatedAt: 1000 });
      const second = await docs.replace(version(2, { model: "m", dims: 4 }), 2000);
      expect(second).toMatchObject({ id: first.id, version: 2, chunkCount: 4, createdAt: 1000, updatedAt: 2000 });
      expect((await docs.chunks(second.id)).map((c) => c.text)).toEqual(
        [0, 1, 2, 3].map((i) => `release2 paragraph ${i} about boilers`),
      );
      expect(await docs.list("reception")).toEqual([second]);
      expect(await index.bm25("reception", '"release1"', 10)).toEqual([]);
      expect(await index.bm25("reception", '"release2"', 10)).toHaveLength(4);
      expect(await index.counts("reception", "m")).toEqual({ documents: 1, chunks: 4, vectors: 4 });
      await ftsIntegrity(store);

      expect(await docs.remove("reception", "manual.md")).toBe(true);
      expect(await docs.remove("reception", "manual.md")).toBe(false);
      expect(await index.counts("reception", "m")).toEqual({ documents: 0, chunks: 0, vectors: 0 });
      expect(await count(store.sql, "knowledge_vectors")).toBe(0);
      expect(await index.bm25("reception", '"boilers"', 10)).toEqual([]);
      await ftsIntegrity(store);
    },
  );

  it.skipIf(skip)("keeps agents apart: a search of one agent never returns another's chunks", async () => {
    const { docs, index } = await repos();
    await docs.replace(version(1, { model: "m", dims: 4 }), 1);
    await docs.replace({ ...version(1, { model: "m", dims: 4 }), agent: "sales" }, 1);
    const matched = await index.bm25("sales", '"boilers"', 10);
    const ids = matched.map((r) => r.chunkId);
    expect(ids).toHaveLength(3);
    // Each match brings its chunk along: the same one chunksByIds reads.
    expect(matched.map((r) => r.chunk)).toEqual(await index.chunksByIds(ids));
    expect((await index.chunksByIds(ids)).every((c) => c.agent === "sales")).toBe(true);
    const near = await index.nearest("sales", "m", new Float32Array([1, 0, 0, 0]), 10);
    expect(near).toHaveLength(3);
    expect((await index.chunksByIds(near.map((r) => r.chunkId))).every((c) => c.agent === "sales")).toBe(true);
  });

  it.skipIf(skip)("ranks the heading's words above the same word in a chunk's text, higher score first", async () => {
    const { docs, index } = await repos();
    await docs.replace(
      {
        ...version(1),
        chunks: [
          { position: 0, heading: "Prices", text: "The boiler service is booked by phone." },
          { position: 1, heading: "Boiler service", text: "Booked by phone, done within the week." },
        ],
      },
      1,
    );
    const ranked = await index.bm25("reception", '"boiler" OR "service"', 10);
    expect(ranked).toHaveLength(2);
    expect(ranked[0]!.score).toBeGreaterThan(ranked[1]!.score);
    const [top] = await index.chunksByIds([ranked[0]!.chunkId]);
    expect(top!.heading).toBe("Boiler service");
  });

  it.skipIf(skip)("rolls a failed replacement back whole: the old version stays searchable", async () => {
    const { docs, index } = await repos();
    await docs.replace(version(1, { model: "m", dims: 4 }), 1);
    const broken = version(2, { model: "m", dims: 4 });
    // One vector of the wrong length: the CHECK on the BLOB fails after the old chunks were deleted, inside the transaction.
    broken.vectors = { model: "m", dims: 4, vectors: [...broken.vectors!.vectors.slice(0, 3), new Float32Array(3)] };
    await expect(docs.replace(broken, 2)).rejects.toThrow(/check constraint/i);
    expect(await docs.get("reception", "manual.md")).toMatchObject({ version: 1, chunkCount: 3 });
    expect(await index.bm25("reception", '"release1"', 10)).toHaveLength(3);
    expect(await index.counts("reception", "m")).toEqual({ documents: 1, chunks: 3, vectors: 3 });
    await ftsIntegrity(store);
  });

  it.skipIf(skip)(
    "uploads of one name at the same time serialize: each a whole version, the last one kept",
    async () => {
      const { docs, index } = await repos();
      await docs.replace(version(1), 0);
      const written = await Promise.all([2, 3, 4, 5].map((v) => docs.replace(version(v), v)));
      expect(written.map((d) => d.version).sort()).toEqual([2, 3, 4, 5]);
      const last = written.find((d) => d.version === 5)!;
      const kept = await docs.get("reception", "manual.md");
      expect(kept).toMatchObject({ version: 5, chunkCount: last.chunkCount });
      // The kept chunks are those of one upload (the one that wrote last), not a mix.
      const texts = (await docs.chunks(kept!.id)).map((c) => c.text);
      expect(texts).toHaveLength(kept!.chunkCount);
      expect(new Set(texts.map((t) => t.split(" ")[0])).size).toBe(1);
      expect(await index.counts("reception", "m")).toMatchObject({ documents: 1, chunks: kept!.chunkCount });
      await ftsIntegrity(store);
    },
  );

  it.skipIf(skip)("removes several documents in one transaction, and reports those that existed", async () => {
    const { docs } = await repos();
    await docs.replace(version(1), 1);
    await docs.replace({ ...version(1), name: "other.md" }, 1);
    expect(await docs.removeMany("reception", ["manual.md", "missing.md", "other.md"])).toEqual([
      "manual.md",
      "other.md",
    ]);
    expect(await docs.list("reception")).toEqual([]);
    expect(await count(store.sql, "knowledge_chunks")).toBe(0);
  });

  it.skipIf(skip)("lists chunks that lack a vector of a model, and stores vectors for them", async () => {
    const { docs, index } = await repos();
    const doc = await docs.replace(version(1), 1);
    expect(await index.missingInDocument(doc.id, "m")).toBe(3);
    const missing = await index.missingVectors("reception", "m", 10);
    expect(missing.map((c) => c.position)).toEqual([0, 1, 2]);
    expect(
      await index.putVectors(
        "m",
        missing.map((c) => ({ chunkId: c.id, vector: new Float32Array([1, 0, 0]) })),
      ),
    ).toBe(3);
    expect(await index.missingInDocument(doc.id, "m")).toBe(0);
    // Again (a second embedding pass): replaced, not duplicated.
    expect(await index.putVectors("m", [{ chunkId: missing[0]!.id, vector: new Float32Array([0, 1, 0]) }])).toBe(1);
    expect(await index.counts("reception", "m")).toEqual({ documents: 1, chunks: 3, vectors: 3 });
    expect((await index.nearest("reception", "m", new Float32Array([0, 1, 0]), 1))[0]).toEqual({
      chunkId: missing[0]!.id,
      score: expect.closeTo(0, 6),
    });
    // A chunk that went meanwhile (a re-upload) is skipped, not an error.
    expect(await index.putVectors("m", [{ chunkId: 999_999, vector: new Float32Array([1, 0, 0]) }])).toBe(0);
  });
});

describe("knowledge documents on SQLite, seen from another connection", () => {
  it("a reader on another connection sees each version whole while re-uploads replace it", async () => {
    const { db, file, sql } = freshDb();
    const docs = new KnowledgeDocumentsRepo(sql);
    await docs.replace(version(1), 0);
    const reader = new Worker(READER, {
      eval: true,
      workerData: { file, sqlite: createRequire(import.meta.url).resolve("better-sqlite3") },
    });
    const next = () =>
      new Promise<unknown>((resolve, reject) => {
        reader.once("message", resolve);
        reader.once("error", reject);
      });
    await next(); // the reader is reading: start writing
    const report = next() as Promise<{ reads: number; versions: number[]; mixed: string[] }>;
    for (let v = 2; v <= 40; v++) {
      await docs.replace(version(v), v);
      await new Promise((r) => setTimeout(r, 2));
    }
    reader.postMessage("stop");
    const { reads, versions, mixed } = await report;
    await reader.terminate();
    expect(mixed).toEqual([]);
    // The reader really overlapped the writes: it saw several versions come and go.
    expect(reads).toBeGreaterThan(20);
    expect(new Set(versions).size).toBeGreaterThan(3);
    db.close();
  });
});

/** Reads the document and its chunks in one transaction, over and over; reports every snapshot that mixes versions. */
const READER = `
const { parentPort, workerData } = require("node:worker_threads");
const Database = require(workerData.sqlite);
const db = new Database(workerData.file, { readonly: true });
db.pragma("busy_timeout = 5000");
const doc = db.prepare("SELECT id, version, chunk_count FROM knowledge_documents WHERE agent = 'reception' AND name = 'manual.md'");
const chunks = db.prepare("SELECT text FROM knowledge_chunks WHERE document_id = ? ORDER BY position");
const fts = db.prepare("SELECT count(*) AS n FROM knowledge_fts WHERE knowledge_fts MATCH ?");
const read = db.transaction(() => {
  const d = doc.get();
  const texts = chunks.all(d.id).map((r) => r.text);
  return { d, texts, indexed: fts.get('"release' + d.version + '"').n };
});
let stop = false;
parentPort.on("message", () => { stop = true; });
let reads = 0;
const versions = [];
const mixed = [];
read();
parentPort.postMessage("ready");
function loop() {
  for (let i = 0; i < 50; i++) {
    const { d, texts, indexed } = read();
    reads++;
    versions.push(d.version);
    const wrong = texts.filter((t) => !t.startsWith("release" + d.version + " "));
    if (wrong.length > 0 || texts.length !== d.chunk_count || indexed !== d.chunk_count) mixed.push(JSON.stringify({ d, texts, indexed }));
  }
  if (stop) parentPort.postMessage({ reads, versions, mixed });
  else setImmediate(loop);
}
loop();
`;

describe("knowledge vector search", () => {
  it("ranks the same with sqlite-vec and with the JavaScript fallback", async () => {
    const { db, sql } = freshDb();
    const docs = new KnowledgeDocumentsRepo(sql);
    await docs.replace(version(30, { model: "m", dims: 16 }), 1);
    const withVec = new KnowledgeIndexRepo(sql, { sqlite: db });
    const withoutVec = new KnowledgeIndexRepo(sql, { sqlite: db, sqliteVec: false });
    expect(withVec.vectorSupport).toMatchObject({ loaded: true });
    expect(withoutVec.vectorSupport).toMatchObject({ loaded: false });
    const query = Float32Array.from({ length: 16 }, (_, d) => Math.cos(d * 0.7));
    const a = await withVec.nearest("reception", "m", query, 10);
    const b = await withoutVec.nearest("reception", "m", query, 10);
    expect(a.map((r) => r.chunkId)).toEqual(b.map((r) => r.chunkId));
    a.forEach((r, i) => expect(r.score).toBeCloseTo(b[i]!.score, 5));
    // Vectors of another model never answer.
    expect(await withVec.nearest("reception", "other-model", query, 10)).toEqual([]);
    db.close();
  });
});
