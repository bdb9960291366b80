import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { afterAll, describe, expect, it } from "vitest";
import { classify, renderReport } from "../../../src/bench/report/index.js";
import { findCaches } from "../../../src/bench/report/sections/notify.js";
import { main } from "../../../src/cli/main.js";
import { repoRoot } from "../../helpers/paths.js";

const fixture = (name: string) => join(repoRoot, "test/fixtures/bench", name);
const read = (name: string) => JSON.parse(readFileSync(fixture(name), "utf8")) as Record<string, unknown>;

/** `parley bench report` on real reports of the tiny profile (test/fixtures/bench) and on partial ones. */
describe("bench report", () => {
  const dir = mkdtempSync(join(tmpdir(), "parley-report-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("draws every section from the four benches as inline SVG, with no script and nothing fetched", async () => {
    const html = await renderReport(
      ["calls.json", "batch.json", "engines.json", "notify.json"].map((f) => classify(f, read(f))),
    );
    expect(html.startsWith("<!doctype html>")).toBe(true);
    expect(html).not.toMatch(/<script|<link|src="http/);
    expect((html.match(/<svg viewBox/g) ?? []).length).toBeGreaterThanOrEqual(10);
    expect(html).toContain("Concurrent calls vs turn latency");
    expect(html).toContain("Turn latency, every answered turn of every level (4 values)");
    expect(html).toContain("The job queue alone");
    expect(html).toContain("the cache makes them 3.7x faster");
    expect(html).toContain("Campaign pacing: time between dials");
    expect(html).toContain("LLM tokens per second");
    expect(html).not.toContain("No report of this kind was given");
  });

  it("says which sections are missing, falls back to percentiles without samples, and escapes names", async () => {
    const calls = read("calls.json");
    for (const l of calls.levels as Record<string, unknown>[]) delete l.turnLatenciesMs;
    const html = await renderReport([
      classify("<i>old&.json", calls),
      classify("x.json", { bench: "weird" }),
      classify("y.json", [1, 2]),
    ]);
    expect(html).toContain("no per-turn samples in this report");
    expect(html).toContain("Turn latency percentiles per level");
    expect((html.match(/No report of this kind was given/g) ?? []).length).toBe(3);
    expect(html).toContain("&lt;i&gt;old&amp;.json");
    expect(html).toContain("unknown bench &#39;weird&#39;");
    expect(html).toContain("not a bench report");
  });

  it("survives reports with fields missing or of the wrong type", async () => {
    const html = await renderReport([
      classify("c.json", {
        bench: "calls",
        levels: [{ calls: "ten" }, null, { calls: 2, turnLatencyMs: { p95: "slow" } }],
      }),
      classify("e.json", { bench: "engines", engines: "none" }),
      classify("b.json", { bench: "batch" }),
    ]);
    expect(html).toContain("<h2>Live calls</h2>");
    expect(html).not.toContain("NaN");
  });

  it("finds caches by shape, wherever the notify report puts them", () => {
    expect(
      findCaches({ a: { hits: 3, misses: 1 }, b: [{ cache: { hitRatio: 0.5 } }], c: { hits: 0, misses: 0 } }),
    ).toEqual([
      { path: "a", hits: 3, misses: 1, ratio: 0.75 },
      { path: "b[0].cache", hits: null, misses: null, ratio: 0.5 },
    ]);
  });

  it("runs as a CLI: writes the page, lists skipped files, fails when nothing is usable", async () => {
    const out = join(dir, "r.html");
    const junk = join(dir, "junk.json");
    writeFileSync(junk, "{not json");
    const ctx = () => ({
      stdout: new PassThrough(),
      stderr: new PassThrough(),
      env: {},
      cwd: dir,
      signal: new AbortController().signal,
    });
    const ok = ctx();
    expect(await main(["bench", "report", "--out", out, fixture("calls.json"), junk], ok)).toBe(0);
    expect(String(ok.stderr.read())).toContain("skipped junk.json: not JSON");
    expect(readFileSync(out, "utf8")).toContain("Parley benchmark report");
    const bad = ctx();
    expect(await main(["bench", "report", "--out", join(dir, "none.html"), junk], bad)).toBe(1);
    expect(String(bad.stderr.read())).toContain("none of the files is a bench report");
    expect(await main(["bench", "report"], ctx())).toBe(2);
  });
});
