import { Counter, Gauge, Histogram, type Registry } from "prom-client";
import type { JobQueue } from "./queue.js";

const RUN_BUCKETS = [0.01, 0.05, 0.1, 0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600, 1800];
// 300 s is a bucket edge on purpose: the default triage target.
const WAIT_BUCKETS = [0.01, 0.1, 0.5, 1, 5, 10, 30, 60, 120, 300, 600, 1800, 3600];

/**
 * Queue metrics on the given registry (never prom-client's global one):
 * - parley_jobs{kind,status}: rows per kind and status, read from the database on each scrape;
 * - parley_job_run_seconds{kind,outcome}: how long attempts ran;
 * - parley_jobs_outcomes_total{kind,outcome}: succeeded, retry, dead, released, cancelled, lease_expired;
 * - parley_job_queue_wait_seconds{kind,lane}: from enqueue (or run_at, if later) to claim;
 * - parley_jobs_triage_missed_total{kind}: new jobs the newest-first lane started past the triage target.
 * Attach once per registry. Returns a function that stops the event subscriptions.
 */
export function attachJobMetrics(registry: Registry, queue: JobQueue): () => void {
  if (registry.getSingleMetric("parley_jobs")) throw new Error("job metrics are already attached to this registry");
  new Gauge({
    name: "parley_jobs",
    help: "Jobs per kind and status (queued and failed are the backlog)",
    labelNames: ["kind", "status"] as const,
    registers: [registry],
    async collect() {
      // Reset first: a kind whose last job was purged must not keep reporting its old count.
      this.reset();
      for (const row of await queue.stats()) this.set({ kind: row.kind, status: row.status }, row.count);
    },
  });
  const runs = new Histogram({
    name: "parley_job_run_seconds",
    help: "Run time of job attempts",
    labelNames: ["kind", "outcome"] as const,
    buckets: RUN_BUCKETS,
    registers: [registry],
  });
  const outcomes = new Counter({
    name: "parley_jobs_outcomes_total",
    help: "Settled job attempts by outcome",
    labelNames: ["kind", "outcome"] as const,
    registers: [registry],
  });
  const waits = new Histogram({
    name: "parley_job_queue_wait_seconds",
    help: "Time from enqueue (or run_at) to claim",
    labelNames: ["kind", "lane"] as const,
    buckets: WAIT_BUCKETS,
    registers: [registry],
  });
  const triageMissed = new Counter({
    name: "parley_jobs_triage_missed_total",
    help: "Jobs that arrived while the newest-first lane was busy and waited past jobs.triageTargetMs",
    labelNames: ["kind"] as const,
    registers: [registry],
  });
  const e = queue.events;
  const offs = [
    e.on("job:started", ({ job, lane, waitedMs, triageMissed: missed }) => {
      waits.observe({ kind: job.kind, lane }, Math.max(0, waitedMs) / 1000);
      if (missed) triageMissed.inc({ kind: job.kind });
    }),
    e.on("job:succeeded", ({ job, durationMs }) => {
      runs.observe({ kind: job.kind, outcome: "succeeded" }, durationMs / 1000);
      outcomes.inc({ kind: job.kind, outcome: "succeeded" });
    }),
    e.on("job:failed", ({ job, durationMs, willRetry }) => {
      runs.observe({ kind: job.kind, outcome: "failed" }, durationMs / 1000);
      outcomes.inc({ kind: job.kind, outcome: willRetry ? "retry" : "dead" });
    }),
    e.on("job:released", ({ job, durationMs }) => {
      runs.observe({ kind: job.kind, outcome: "released" }, durationMs / 1000);
      outcomes.inc({ kind: job.kind, outcome: "released" });
    }),
    e.on("job:cancelled", ({ job }) => outcomes.inc({ kind: job.kind, outcome: "cancelled" })),
    e.on("job:lease-expired", ({ job }) => outcomes.inc({ kind: job.kind, outcome: "lease_expired" })),
  ];
  return () => offs.forEach((off) => off());
}
