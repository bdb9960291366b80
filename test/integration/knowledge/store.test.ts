/**
 * The knowledge tables on a real SQLite file: a re-upload swaps a document's
 * chunks atomically (a reader on another connection, in another thread, never
 * sees a mix), the full-text index stays exactly in step, and sqlite-vec and
 * the JavaScript fallback rank vectors the same.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import { afterAll, describe, expect, it } from "vitest";
import { openDatabase, type Database } from "../../../src/store/index.js";
import {
  KnowledgeDocumentsRepo,
  type ReplaceDocumentInput,
} from "../../../src/store/repos/knowledge-documents-repo.js";
import { KnowledgeIndexRepo } from "../../../src/store/repos/knowledge-index-repo.js";

const dir = mkdtempSync(join(tmpdir(), "parley-knowledge-store-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
const freshDb = (): { db: Database; file: string } => {
  const file = join(dir, `k${++n}.db`);
  return { db: openDatabase(file), file };
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

function ftsIntegrity(db: Database): void {
  // FTS5's own check: the index holds exactly the content table's rows (throws SQLITE_CORRUPT_VTAB otherwise).
  db.prepare("INSERT INTO knowledge_fts (knowledge_fts, rank) VALUES ('integrity-check', 1)").run();
}

describe("knowledge documents repository", () => {
  it("creates, replaces (version + 1) and removes a document with its chunks, vectors and full-text rows", () => {
    const { db } = freshDb();
    const docs = new KnowledgeDocumentsRepo(db);
    const index = new KnowledgeIndexRepo(db);
    const first = docs.replace(version(1, { model: "m", dims: 4 }), 1000);
    expect(first).toMatchObject({ version: 1, chunkCount: 3, createdAt: 1000, updatedAt: 1000 });
    const second = docs.replace(version(2, { model: "m", dims: 4 }), 2000);
    expect(second).toMatchObject({ id: first.id, version: 2, chunkCount: 4, createdAt: 1000, updatedAt: 2000 });
    expect(docs.chunks(second.id).map((c) => c.text)).toEqual(
      [0, 1, 2, 3].map((i) => `release2 paragraph ${i} about boilers`),
    );
    expect(index.bm25("reception", '"release1"', 10)).toEqual([]);
    expect(index.bm25("reception", '"release2"', 10)).toHaveLength(4);
    expect(index.counts("reception", "m")).toEqual({ documents: 1, chunks: 4, vectors: 4 });
    ftsIntegrity(db);

    expect(docs.remove("reception", "manual.md")).toBe(true);
    expect(docs.remove("reception", "manual.md")).toBe(false);
    expect(index.counts("reception", "m")).toEqual({ documents: 0, chunks: 0, vectors: 0 });
    expect(db.prepare("SELECT count(*) AS n FROM knowledge_vectors").get()).toEqual({ n: 0 });
    ftsIntegrity(db);
    db.close();
  });

  it("keeps agents apart: a search of one agent never returns another's chunks", () => {
    const { db } = freshDb();
    const docs = new KnowledgeDocumentsRepo(db);
    docs.replace(version(1), 1);
    docs.replace({ ...version(1), agent: "sales" }, 1);
    const index = new KnowledgeIndexRepo(db);
    const ids = index.bm25("sales", '"boilers"', 10).map((r) => r.chunkId);
    expect(ids).toHaveLength(3);
    expect(index.chunksByIds(ids).every((c) => c.agent === "sales")).toBe(true);
    db.close();
  });

  it("rolls a failed replacement back whole: the old version stays searchable", () => {
    const { db } = freshDb();
    const docs = new KnowledgeDocumentsRepo(db);
    docs.replace(version(1, { model: "m", dims: 4 }), 1);
    const broken = version(2, { model: "m", dims: 4 });
    // One vector of the wrong length: the CHECK on the BLOB fails after the old chunks were deleted, inside the transaction.
    broken.vectors = { model: "m", dims: 4, vectors: [...broken.vectors!.vectors.slice(0, 3), new Float32Array(3)] };
    expect(() => docs.replace(broken, 2)).toThrow(/CHECK constraint failed/);
    expect(docs.get("reception", "manual.md")).toMatchObject({ version: 1, chunkCount: 3 });
    expect(new KnowledgeIndexRepo(db).bm25("reception", '"release1"', 10)).toHaveLength(3);
    ftsIntegrity(db);
    db.close();
  });

  it("a reader on another connection sees each version whole while re-uploads replace it", async () => {
    const { db, file } = freshDb();
    const docs = new KnowledgeDocumentsRepo(db);
    docs.replace(version(1), 0);
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
      docs.replace(version(v), v);
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
  it("ranks the same with sqlite-vec and with the JavaScript fallback", () => {
    const { db } = freshDb();
    const docs = new KnowledgeDocumentsRepo(db);
    docs.replace(version(30, { model: "m", dims: 16 }), 1);
    const withVec = new KnowledgeIndexRepo(db);
    const withoutVec = new KnowledgeIndexRepo(db, { sqliteVec: false });
    expect(withVec.vectorSupport).toMatchObject({ loaded: true });
    expect(withoutVec.vectorSupport).toMatchObject({ loaded: false });
    const query = Float32Array.from({ length: 16 }, (_, d) => Math.cos(d * 0.7));
    const a = withVec.nearest("reception", "m", query, 10);
    const b = withoutVec.nearest("reception", "m", query, 10);
    expect(a.map((r) => r.chunkId)).toEqual(b.map((r) => r.chunkId));
    a.forEach((r, i) => expect(r.score).toBeCloseTo(b[i]!.score, 5));
    // Vectors of another model never answer.
    expect(withVec.nearest("reception", "other-model", query, 10)).toEqual([]);
    db.close();
  });

  it("lists chunks that lack a vector of a model, and stores vectors for them", () => {
    const { db } = freshDb();
    const docs = new KnowledgeDocumentsRepo(db);
    const doc = docs.replace(version(1), 1);
    const index = new KnowledgeIndexRepo(db);
    expect(index.missingInDocument(doc.id, "m")).toBe(3);
    const missing = index.missingVectors("reception", "m", 10);
    expect(missing.map((c) => c.position)).toEqual([0, 1, 2]);
    expect(
      index.putVectors(
        "m",
        missing.map((c) => ({ chunkId: c.id, vector: new Float32Array([1, 0, 0]) })),
      ),
    ).toBe(3);
    expect(index.missingInDocument(doc.id, "m")).toBe(0);
    // A chunk that went meanwhile (a re-upload) is skipped, not an error.
    expect(index.putVectors("m", [{ chunkId: 999_999, vector: new Float32Array([1, 0, 0]) }])).toBe(0);
    db.close();
  });
});
