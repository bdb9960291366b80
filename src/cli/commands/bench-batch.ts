import { benchBatch, type BatchBenchReport } from "../../bench/batch-bench.js";
import { fliteProblem } from "../../bench/batch-voicemails.js";
import { postgresUrlProblem } from "../../config/sections/store.js";
import { benchQueueEngines, type QueueEnginesReport } from "../../bench/queue-engines-bench.js";
import { commonOptions, configFromFlags, parseFlags } from "../flags.js";
import { printJson, printTable } from "../output.js";
import { CliError, type CliContext } from "../types.js";

const whole = (flag: string, value: string | undefined, fallback: number, min: number, max: number): number => {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new CliError(`--${flag}: expected a whole number ${min}..${max}, got '${value}'`, 2);
  return n;
};

/** `parley bench batch`: voicemails through the whole pipeline, triage behind a backlog, and the queue alone. */
export async function benchBatchCommand(args: string[], ctx: CliContext): Promise<number> {
  const { values } = parseFlags(
    args,
    {
      ...commonOptions,
      count: { type: "string" },
      backlog: { type: "string" },
      fresh: { type: "string" },
      "queue-jobs": { type: "string" },
      postgres: { type: "string" },
      "engine-jobs": { type: "string" },
      "queue-only": { type: "boolean" },
    },
    false,
  );
  const count = whole("count", values.count, 20, 1, 10_000);
  const backlog = whole("backlog", values.backlog, 200, 0, 100_000);
  const fresh = whole("fresh", values.fresh, 10, 1, 1000);
  const queueJobs = whole("queue-jobs", values["queue-jobs"], 5000, 100, 1_000_000);
  const engineJobs = whole("engine-jobs", values["engine-jobs"], 2000, 10, 1_000_000);
  const log = (line: string) => ctx.stderr.write(`bench: ${line}\n`);
  const pgProblem = values.postgres === undefined ? null : postgresUrlProblem(values.postgres);
  if (pgProblem) throw new CliError(`--postgres: ${pgProblem}`, 2);
  if (values["queue-only"]) {
    const { config } = configFromFlags(ctx, values);
    const engines = await benchQueueEngines({
      postgresUrl: values.postgres ?? config.store.url,
      jobs: engineJobs,
      log,
    });
    if (values.json) printJson(ctx, { bench: "batch", queueEngines: engines });
    else printEngines(ctx, engines);
    return 0;
  }
  const problem = fliteProblem();
  if (problem) throw new CliError(problem, 1);
  // The tiny profile unless told: it runs anywhere, in seconds, with models generated locally.
  const { config } = configFromFlags(ctx, { ...values, profile: values.profile ?? "tiny" });
  const report = await benchBatch({
    config,
    cwd: ctx.cwd,
    count,
    backlog,
    fresh,
    queueJobs,
    log,
    signal: ctx.signal,
  });
  const engines = await benchQueueEngines({ postgresUrl: values.postgres ?? config.store.url, jobs: engineJobs, log });
  if (values.json) printJson(ctx, { ...report, queueEngines: engines });
  else {
    printReport(ctx, report);
    printEngines(ctx, engines);
  }
  return 0;
}

function printReport(ctx: CliContext, r: BatchBenchReport): void {
  const t = r.throughput;
  const q = r.queue.throughput;
  const rows: Array<{ what: string; value: string | number; note: string }> = [
    {
      what: "voicemails per minute",
      value: t.voicemailsPerMinute,
      note: `${t.voicemails} messages, ${t.audioMinutes} min of audio in ${t.wallSeconds} s`,
    },
    {
      what: "audio minutes per CPU minute",
      value: t.audioMinutesPerCpuMinute,
      note: `${t.cpuSeconds} s CPU; mean job ${t.meanJobMs} ms; ${JSON.stringify(t.statuses)}`,
    },
    {
      what: "time to triage p50 (ms)",
      value: r.triage.p50Ms,
      note: `${r.triage.arrivals} fresh arrivals behind a backlog of ${r.triage.backlog} (at least ${r.triage.minBacklogAtArrival} waiting)`,
    },
    {
      what: "time to triage p95 (ms)",
      value: r.triage.p95Ms,
      note: `target ${r.triage.targetMs} ms: ${r.triage.withinTarget ? "met" : "MISSED"}; first-in-first-out would be ~${r.triage.fifoEstimateMs} ms`,
    },
    { what: "queue: enqueue / s", value: q.enqueue, note: `one transaction each; bulk ${q.enqueueBulk}/s` },
    { what: "queue: claim / s", value: q.claim, note: `one at a time; in batches of 50: ${q.claimBatch50}/s` },
    { what: "queue: complete / s", value: q.complete, note: "" },
    { what: "queue: enqueue+claim+complete / s", value: q.cycle, note: "target 2000" },
    { what: "queue: worker, noop jobs / s", value: q.worker, note: "the real worker, default lanes" },
  ];
  ctx.stdout.write(`profile ${r.profile} (engines loaded in ${r.engineLoadMs} ms)\n\n`);
  printTable(ctx, rows, [
    { header: "measure", value: (x) => x.what },
    { header: "value", value: (x) => x.value, align: "right" },
    { header: "", value: (x) => x.note },
  ]);
}

function printEngines(ctx: CliContext, r: QueueEnginesReport): void {
  ctx.stdout.write(`\nqueue engines (${r.postgres ?? "no PostgreSQL"}), no-op jobs, workers idle between wake-ups:\n`);
  printTable(ctx, r.runs, [
    { header: "engine", value: (x) => x.engine },
    { header: "enqueue/s", value: (x) => x.enqueuePerSecond, align: "right" },
    { header: "worker jobs/s", value: (x) => x.workerPerSecond, align: "right" },
    { header: "wake p50 ms", value: (x) => x.wakeMs.p50, align: "right" },
    { header: "wake p95 ms", value: (x) => x.wakeMs.p95, align: "right" },
    { header: "", value: (x) => `${x.jobs} jobs, ${x.concurrency} slots, poll ${x.pollIntervalMs} ms` },
  ]);
  for (const s of r.skipped) ctx.stdout.write(`skipped ${s.engine}: ${s.reason}\n`);
}
