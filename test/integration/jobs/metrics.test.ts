import { afterEach, describe, expect, it } from "vitest";
import { attachJobMetrics, createTaskRegistry, registerBuiltinTasks, Worker } from "../../../src/jobs/index.js";
import { systemClock } from "../../../src/lib/clock.js";
import { createMetricsRegistry } from "../../../src/lib/metrics.js";
import { queueFixture, waitFor, type QueueFixture } from "./helpers.js";

let f: QueueFixture;
afterEach(async () => await f.close());

describe("job metrics", () => {
  it("exposes depth per kind and status on scrape, run durations, outcomes and time in queue on the given registry", async () => {
    f = await queueFixture("sqlite", { clock: systemClock, config: { pollIntervalMs: 20, maxAttempts: 1 } });
    const registry = createMetricsRegistry({ defaults: false });
    const detach = attachJobMetrics(registry, f.queue);
    expect(() => attachJobMetrics(registry, f.queue)).toThrow(/already attached/);
    const tasks = registerBuiltinTasks(createTaskRegistry()).register("boom", async () => {
      throw new Error("no");
    });
    await f.queue.enqueueMany([
      { kind: "noop", payload: null },
      { kind: "noop", payload: null },
      { kind: "boom", payload: null },
    ]);
    await f.queue.enqueue({ kind: "sleep", payload: { ms: 1 }, runAt: Date.now() + 3_600_000 });
    const worker = new Worker({ queue: f.queue, tasks, config: f.config, cpus: 2 });
    worker.start();
    await waitFor(
      async () =>
        (await f.queue.list({ status: "queued" })).jobs.length === 1 &&
        (await f.queue.list({ status: "running" })).jobs.length === 0,
      "jobs done",
    );
    await worker.stop({ graceMs: 0 });

    const text = await registry.metrics();
    expect(text).toContain('parley_jobs{kind="noop",status="succeeded"} 2');
    expect(text).toContain('parley_jobs{kind="boom",status="dead"} 1');
    expect(text).toContain('parley_jobs{kind="sleep",status="queued"} 1');
    expect(text).toContain('parley_jobs_outcomes_total{kind="noop",outcome="succeeded"} 2');
    expect(text).toContain('parley_jobs_outcomes_total{kind="boom",outcome="dead"} 1');
    expect(text).toMatch(/parley_job_run_seconds_count\{kind="noop",outcome="succeeded"\} 2/);
    expect(text).toMatch(/parley_job_run_seconds_count\{kind="boom",outcome="failed"\} 1/);
    expect(text).toMatch(/parley_job_queue_wait_seconds_count\{kind="noop",lane="(fresh|backlog)"\} \d/);
    expect(text).not.toContain("parley_process_");

    // Depth is read on each scrape: a cancelled job moves between statuses.
    const queued = (await f.queue.list({ status: "queued" })).jobs[0]!;
    await f.queue.cancel(queued.id);
    const after = await registry.metrics();
    expect(after).toContain('parley_jobs{kind="sleep",status="cancelled"} 1');
    expect(after).not.toContain('parley_jobs{kind="sleep",status="queued"}');
    detach();
  });
});
