import { benchBatch, type BatchBenchReport } from "../../bench/batch-bench.js";
import { fliteProblem } from "../../bench/batch-voicemails.js";
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
    },
    false,
  );
  const count = whole("count", values.count, 20, 1, 10_000);
  const backlog = whole("backlog", values.backlog, 200, 0, 100_000);
  const fresh = whole("fresh", values.fresh, 10, 1, 1000);
  const queueJobs = whole("queue-jobs", values["queue-jobs"], 5000, 100, 1_000_000);
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
    log: (line) => ctx.stderr.write(`bench: ${line}\n`),
    signal: ctx.signal,
  });
  if (values.json) printJson(ctx, report);
  else printReport(ctx, report);
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
