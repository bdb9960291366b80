/** `parley bench knowledge` in process on the tiny profile: the report has real figures (no timing assertions). */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { KnowledgeBenchReport } from "../../../src/bench/knowledge-bench.js";
import { runCliInProcess } from "../../helpers/cli.js";

describe("parley bench knowledge", () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "parley-bench-knowledge-"));
    // Only the embedding model is needed: the bench loads nothing else of the profile.
    const pulled = await runCliInProcess(["models", "pull", "tiny-embed", "--data-dir", dataDir]);
    expect(pulled.code, pulled.err).toBe(0);
  }, 120_000);
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it("reports recall of BM25, vectors and hybrid on the generated FAQ, and the latency of one search, as JSON", async () => {
    const r = await runCliInProcess([
      "bench",
      "knowledge",
      "--profile",
      "tiny",
      "--data-dir",
      dataDir,
      "--runs",
      "1",
      "--json",
    ]);
    expect(r.code, r.err).toBe(0);
    const report = JSON.parse(r.out) as KnowledgeBenchReport;
    expect(report).toMatchObject({
      bench: "knowledge",
      profile: "tiny",
      embedModel: "tiny-embed",
      faq: { entries: 200, questions: 50, chunks: 200 },
    });
    expect(report.vectorSearch).toMatch(/^sqlite-vec v/);
    for (const name of ["bm25", "vector", "hybrid"] as const) {
      const s = report.retrieval[name]!;
      expect(s.questions).toBe(50);
      expect(s.recallAt3).toBeGreaterThan(0.4);
      expect(s.recallAt3).toBeGreaterThanOrEqual(s.recallAt1);
      expect(s.misses).toHaveLength(Math.round(50 * (1 - s.recallAt3)));
    }
    expect(report.latencyMs.samples).toBe(50);
    expect(report.latencyMs.hybrid!.p50).toBeGreaterThan(0);
    expect(report.latencyMs.embedQuery!.p50).toBeGreaterThan(0);
    expect(report.latencyMs.bm25Only.p95).toBeGreaterThanOrEqual(report.latencyMs.bm25Only.p50);
    expect(r.err).toContain("bench: indexed 200 entries as 200 chunks");
  }, 240_000); // 10 s on a quiet 2-core box; minutes when the box is shared

  it("says how to get the embedding model when it must be downloaded and is not installed", async () => {
    const empty = mkdtempSync(join(tmpdir(), "parley-bench-knowledge-empty-"));
    try {
      const r = await runCliInProcess(["bench", "knowledge", "--profile", "small", "--data-dir", empty]);
      expect(r.code).not.toBe(0);
      expect(r.err).toMatch(
        /model 'bge-small-en-v1.5-q8_0' is not installed .*parley models pull bge-small-en-v1.5-q8_0/,
      );
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
