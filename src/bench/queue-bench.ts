import { mkdtempSync, rmSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { configSchema } from "../config/schema.js";
import type { JobLaneConfig, JobsConfig } from "../config/sections/jobs.js";
import { createSqliteJobQueue, createTaskRegistry, Worker, type Job, type JobQueue } from "../jobs/index.js";
import { sleep } from "../lib/abort.js";
import { openDatabase, type Database } from "../store/index.js";
import { machineFacts, round } from "./stats.js";

export interface QueueBenchOptions {
  /** Jobs per throughput phase (default 5000). */
  jobs?: number;
  /** Queued jobs ahead of the new one in the triage run (default 200). */
  backlog?: number;
  /** Simulated processing time per triage job (default 50 ms). */
  taskMs?: number;
  /** Worker slots in the triage runs (default: the CPUs, at least 2). */
  slots?: number;
  /** The triage target to compare with (default: the config default, 5 min). */
  triageTargetMs?: number;
  log?: (line: string) => void;
}

interface TriageRun {
  lanes: string;
  /** From enqueue of the new job to its task starting, and to its completion. */
  startMs: number;
  finishMs: number;
  withinTarget: boolean;
}

export interface QueueBenchReport {
  machine: Record<string, unknown>;
  jobs: number;
  /** Jobs per second. */
  throughput: {
    enqueue: number;
    enqueueBulk: number;
    claim: number;
    claimBatch50: number;
    complete: number;
    cycle: number;
    worker: number;
  };
  triage: {
    backlog: number;
    taskMs: number;
    slots: number;
    targetMs: number;
    withFreshLane: TriageRun;
    withoutFreshLane: TriageRun;
    /** The same scheduling with a realistic 20 s per voicemail, from the formulas the runs above confirm. */
    projection20s: { withFreshLaneStartMs: number; withoutFreshLaneStartMs: number };
  };
}

/**
 * The queue alone on a temp database: enqueue, claim and complete rates
 * through the real backend (one transaction per call, as the API and the
 * worker use it; bulk enqueue in 500-job transactions), noop jobs through the
 * real worker, and a triage simulation: a backlog of jobs with a fixed
 * processing time, then one new job, with and without the newest-first lane.
 */
export async function benchQueue(options: QueueBenchOptions = {}): Promise<QueueBenchReport> {
  const n = options.jobs ?? 5000;
  const log = options.log ?? (() => {});
  const dir = mkdtempSync(join(tmpdir(), "parley-queue-bench-"));
  try {
    const throughput = await measureThroughput(join(dir, "throughput.db"), n, log);
    const triage = await measureTriage(dir, options, log);
    return { machine: { ...machineFacts(), cpus: availableParallelism(), dir: tmpdir() }, jobs: n, throughput, triage };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function defaults(overrides: Partial<JobsConfig> = {}): JobsConfig {
  return { ...configSchema.parse({}).jobs, pollIntervalMs: 50, ...overrides };
}

function rate(count: number, ms: number): number {
  return round(count / (ms / 1000), 0);
}

async function timed(fn: () => Promise<void>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

async function measureThroughput(
  file: string,
  n: number,
  log: (l: string) => void,
): Promise<QueueBenchReport["throughput"]> {
  const db = openDatabase(file);
  try {
    const queue = createSqliteJobQueue(db, defaults());
    const claim = (limit: number) => queue.claim({ kinds: ["noop"], workerId: "bench", limit, order: "priority" });
    const enqueueMs = await timed(async () => {
      for (let i = 0; i < n; i++) await queue.enqueue({ kind: "noop", payload: { i } });
    });
    const bulkMs = await timed(async () => {
      for (let i = 0; i < n; i += 500)
        await queue.enqueueMany(
          Array.from({ length: Math.min(500, n - i) }, (_, j) => ({ kind: "noop", payload: { i: i + j } })),
        );
    });
    const claimed: Job[] = [];
    const claimMs = await timed(async () => {
      for (let i = 0; i < n; i++) claimed.push(...(await claim(1)).jobs);
    });
    const completeMs = await timed(async () => {
      for (const job of claimed.splice(0))
        await queue.complete({ id: job.id, workerId: "bench", attempt: job.attempts }, null);
    });
    const batchMs = await timed(async () => {
      for (let got = 1; got > 0;) {
        const { jobs } = await claim(50);
        claimed.push(...jobs);
        got = jobs.length;
      }
    });
    log(
      `enqueue ${rate(n, enqueueMs)}/s, bulk ${rate(n, bulkMs)}/s, claim ${rate(n, claimMs)}/s, complete ${rate(n, completeMs)}/s`,
    );
    const workerRate = await measureWorker(db, queue, n);
    log(`worker (noop) ${workerRate}/s`);
    return {
      enqueue: rate(n, enqueueMs),
      enqueueBulk: rate(n, bulkMs),
      claim: rate(n, claimMs),
      claimBatch50: rate(claimed.length, batchMs),
      complete: rate(n, completeMs),
      cycle: rate(n, enqueueMs + claimMs + completeMs),
      worker: workerRate,
    };
  } finally {
    db.close();
  }
}

/** Noop jobs through the real worker (default lanes), from start to the last success. */
async function measureWorker(db: Database, queue: JobQueue, n: number): Promise<number> {
  db.prepare("DELETE FROM jobs").run();
  await queue.enqueueMany(Array.from({ length: n }, (_, i) => ({ kind: "noop", payload: { i } })));
  const tasks = createTaskRegistry().register("noop", async () => null);
  let done = 0;
  const finished = new Promise<void>((resolve) => queue.events.on("job:succeeded", () => ++done === n && resolve()));
  const worker = new Worker({ queue, tasks, config: defaults() });
  const ms = await timed(async () => {
    worker.start();
    await finished;
  });
  await worker.stop({ graceMs: 0 });
  return rate(n, ms);
}

async function measureTriage(
  dir: string,
  o: QueueBenchOptions,
  log: (l: string) => void,
): Promise<QueueBenchReport["triage"]> {
  const backlog = o.backlog ?? 200;
  const taskMs = o.taskMs ?? 50;
  const slots = Math.max(2, o.slots ?? availableParallelism());
  const targetMs = o.triageTargetMs ?? defaults().triageTargetMs;
  const fresh: JobLaneConfig[] = [
    { name: "fresh", order: "newest", concurrency: 1 },
    { name: "backlog", order: "priority", concurrency: slots - 1 },
  ];
  const fifo: JobLaneConfig[] = [{ name: "backlog", order: "priority", concurrency: slots }];
  const withFreshLane = await triageRun(join(dir, "triage-fresh.db"), fresh, backlog, taskMs, targetMs);
  log(`triage with a fresh lane: started after ${withFreshLane.startMs} ms, done after ${withFreshLane.finishMs} ms`);
  const withoutFreshLane = await triageRun(join(dir, "triage-fifo.db"), fifo, backlog, taskMs, targetMs);
  log(`triage without: started after ${withoutFreshLane.startMs} ms, done after ${withoutFreshLane.finishMs} ms`);
  // With a fresh lane the new job waits for at most one job; without, for the backlog shared by all slots.
  const realMs = 20_000;
  return {
    backlog,
    taskMs,
    slots,
    targetMs,
    withFreshLane,
    withoutFreshLane,
    projection20s: { withFreshLaneStartMs: realMs, withoutFreshLaneStartMs: Math.round((backlog * realMs) / slots) },
  };
}

async function triageRun(
  file: string,
  lanes: JobLaneConfig[],
  backlog: number,
  taskMs: number,
  targetMs: number,
): Promise<TriageRun> {
  const db = openDatabase(file);
  const config = defaults({ lanes, triageTargetMs: targetMs });
  const queue = createSqliteJobQueue(db, config);
  const tasks = createTaskRegistry().register("voicemail.sim", async (_: unknown, h) => {
    await sleep(taskMs, h.signal);
    return null;
  });
  const worker = new Worker({ queue, tasks, config });
  try {
    await queue.enqueueMany(Array.from({ length: backlog }, (_, i) => ({ kind: "voicemail.sim", payload: { i } })));
    worker.start();
    // Let the backlog get going, as a new voicemail would find it.
    await sleep(taskMs * 3);
    let started = 0;
    let newId = -1;
    const t0 = performance.now();
    const done = new Promise<number>((resolve) => {
      queue.events.on("job:started", ({ job }) => job.id === newId && (started = performance.now()));
      queue.events.on("job:succeeded", ({ job }) => job.id === newId && resolve(performance.now()));
    });
    newId = (await queue.enqueue({ kind: "voicemail.sim", payload: { new: true } })).job.id;
    const finished = await done;
    const startMs = round(started - t0, 0);
    return {
      lanes: lanes.map((l) => `${l.name}(${l.order}, ${String(l.concurrency)})`).join(" + "),
      startMs,
      finishMs: round(finished - t0, 0),
      withinTarget: startMs <= targetMs,
    };
  } finally {
    await worker.stop({ graceMs: 0 });
    db.close();
  }
}
