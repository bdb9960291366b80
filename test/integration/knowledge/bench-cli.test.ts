/** `parley bench knowledge` in process on the tiny profile: the report has real figures (no timing assertions). */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { KnowledgeBenchReport } from "../../../src/bench/knowledge-bench.js";
import { runCliInProcess } from "../../helpers/cli.js";

describe("parley bench knowledge", () => {
  let dataDir: string;
  let report: KnowledgeBenchReport;
  let log: string;
  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "parley-bench-knowledge-"));
    // The embedding model is pulled here; the turn section generates tiny-tts and its scripted LLM on first use.
    const pulled = await runCliInProcess(["models", "pull", "tiny-embed", "--data-dir", dataDir]);
    expect(pulled.code, pulled.err).toBe(0);
    const r = await runCliInProcess([
      "bench",
      "knowledge",
      "--profile",
      "tiny",
      "--data-dir",
      dataDir,
      "--runs",
      "1",
      "--turn-runs",
      "3",
      "--json",
    ]);
    expect(r.code, r.err).toBe(0);
    report = JSON.parse(r.out) as KnowledgeBenchReport;
    log = r.err;
  }, 300_000); // 15 s on a quiet 2-core box; minutes when the box is shared
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it("reports recall of BM25, vectors and hybrid on the generated FAQ, and the latency of one search, as JSON", () => {
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
    expect(log).toContain("bench: indexed 200 entries as 200 chunks");
  });

  it("times a live turn answered directly and through search_knowledge, with the search turn's parts adding up", () => {
    const t = report.turn!;
    expect(t).toMatchObject({
      llmModel: "tiny-llm-kb-turn",
      standsInFor: null,
      ttsModel: "tiny-tts",
      question: "Can you validate my parking ticket at Station Square?",
      runs: 3,
      fillers: 0,
    });
    expect(t.llmContextSize).toBe(4096);
    expect(t.samples).toHaveLength(3);
    for (const { direct, search } of t.samples) {
      expect(direct.firstTokenMs).toBeGreaterThan(0);
      // The first sentence goes to TTS once its first clause is in: audio never comes before the first token.
      expect(direct.firstAudioMs).toBeGreaterThanOrEqual(direct.firstTokenMs);
      expect(search.firstAudioMs).toBeGreaterThanOrEqual(search.firstTokenMs);
      // The search turn's first token is the sum of its parts (each rounded to 0.1 ms).
      const parts = search.callMs + search.betweenPassesMs + search.secondPassMs;
      expect(Math.abs(search.firstTokenMs - parts)).toBeLessThanOrEqual(0.3);
      expect(search.callMs).toBeGreaterThan(0);
      expect(search.searchMs).toBeGreaterThan(0);
      expect(search.searchMs).toBeLessThanOrEqual(search.betweenPassesMs + 0.2);
      expect(search.passagesPrefillMs!).toBeLessThanOrEqual(search.secondPassMs);
      expect(search.callTokens).toBeGreaterThan(0);
      // Each run's caller says something new, so no run finds its words already in the KV cache; the second pass
      // reads the call and the passages, the direct turn only the caller's line.
      expect(direct.promptTokens).toBeGreaterThan(0);
      expect(search.secondPassPromptTokens).toBeGreaterThan(direct.promptTokens);
    }
    const values = (f: (s: (typeof t.samples)[number]) => number) => t.samples.map(f);
    const within = (stats: { p50: number; p95: number }, xs: number[]) => {
      expect(stats.p95).toBeGreaterThanOrEqual(stats.p50);
      expect(xs.map((x) => Math.round(x * 10) / 10)).toContain(stats.p50);
    };
    within(
      t.direct.firstTokenMs,
      values((s) => s.direct.firstTokenMs),
    );
    within(
      t.direct.firstAudioMs,
      values((s) => s.direct.firstAudioMs),
    );
    within(
      t.search.firstAudioMs!,
      values((s) => s.search.firstAudioMs),
    );
    within(
      t.search.callMs!,
      values((s) => s.search.callMs),
    );
    within(
      t.search.searchMs!,
      values((s) => s.search.searchMs),
    );
    within(
      t.addedMs.firstToken,
      values((s) => s.search.firstTokenMs - s.direct.firstTokenMs),
    );
    within(
      t.addedMs.firstAudio,
      values((s) => s.search.firstAudioMs - s.direct.firstAudioMs),
    );
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[1];
    expect(t.tokens).toEqual({
      directPrompt: median(values((s) => s.direct.promptTokens)),
      call: median(values((s) => s.search.callTokens)),
      secondPassPrompt: median(values((s) => s.search.secondPassPromptTokens)),
    });
    expect(log).toContain('bench: turns: "Can you validate my parking ticket at Station Square?"');
  });

  it("refuses a turn count it cannot run, before any work", async () => {
    const r = await runCliInProcess([
      "bench",
      "knowledge",
      "--profile",
      "tiny",
      "--data-dir",
      dataDir,
      "--turn-runs",
      "101",
    ]);
    expect(r.code).toBe(2);
    expect(r.err).toContain("--turn-runs: expected a whole number 0..100, got '101'");
    expect(r.err).not.toContain("bench: indexed");
  });

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
