import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pullModels } from "../helpers/parley-setup.js";
import type { BatchBenchReport } from "../../src/bench/batch-bench.js";
import { runParley } from "../helpers/parley-process.js";
import { fliteMissing } from "../helpers/speech.js";

/** `parley bench batch` end to end, small: the figures exist and the pipeline really ran (no timing assertions). */
describe.skipIf(fliteMissing)("parley bench batch --json (real process)", () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "parley-bench-batch-"));
    await pullModels(["--data-dir", dataDir]);
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it("runs voicemails through the pipeline, times fresh arrivals behind a backlog, and measures the queue", async () => {
    const r = await runParley(
      [
        "bench",
        "batch",
        "--data-dir",
        dataDir,
        "--count",
        "4",
        "--backlog",
        "12",
        "--fresh",
        "2",
        "--queue-jobs",
        "300",
        "--json",
      ],
      { timeoutMs: 180_000 },
    );
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as BatchBenchReport;
    expect(report).toMatchObject({
      bench: "batch",
      profile: "tiny",
      throughput: { voicemails: 4 },
      triage: { backlog: 12, arrivals: 2 },
      queue: { jobs: 300 },
    });
    // Every message reached a final state through the real engines; none failed.
    expect(Object.keys(report.throughput.statuses).every((s) => ["processed", "escalated", "silent"].includes(s))).toBe(
      true,
    );
    expect(report.throughput.voicemailsPerMinute).toBeGreaterThan(0);
    expect(report.throughput.audioMinutesPerCpuMinute).toBeGreaterThan(0);
    expect(report.triage.p95Ms).toBeGreaterThan(0);
    expect(report.triage.minBacklogAtArrival).toBeGreaterThan(0);
    expect(report.queue.throughput.cycle).toBeGreaterThan(0);
    expect(r.stderr).toContain("bench: the queue alone");
  }, 200_000); // the bench's own limit (180 s) and reading its report: a loaded 2-core box takes over a minute
});
