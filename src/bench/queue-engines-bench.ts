import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { configSchema } from "../config/schema.js";
import { redactUrl } from "../config/sections/store.js";
import type { JobsConfig } from "../config/sections/jobs.js";
import {
  createPostgresJobQueue,
  createSqliteJobQueue,
  createTaskRegistry,
  Worker,
  type JobQueue,
} from "../jobs/index.js";
import { sleep } from "../lib/abort.js";
import { describeError } from "../lib/errors.js";
import { openDatabase } from "../store/index.js";
import { machineFacts, percentile, round } from "./stats.js";

export type QueueEngine = "sqlite" | "postgres" | "graphile-worker";

export interface QueueEngineRun {
  engine: QueueEngine;
  jobs: number;
  /** Worker slots (graphile-worker: its concurrency). */
  concurrency: number;
  /** The idle worker's poll interval; new jobs from another connection wait for it unless a NOTIFY wakes the worker. */
  pollIntervalMs: number;
  /** Jobs per second enqueued in batches of 500 from another connection. */
  enqueuePerSecond: number;
  /** No-op jobs per second through the worker, from its start to the last completion. */
  workerPerSecond: number;
  /** From just before one enqueue on another connection to its handler starting, with the worker idle. */
  wakeMs: { samples: number; p50: number; p95: number; max: number };
}

export interface QueueEnginesReport {
  machine: Record<string, unknown>;
  /** The PostgreSQL measured (password hidden), or null when none was given. */
  postgres: string | null;
  runs: QueueEngineRun[];
  /** Engines not measured, and why. */
  skipped: Array<{ engine: QueueEngine; reason: string }>;
}

export interface QueueEnginesOptions {
  /** postgres://... for the PostgreSQL runs (a schema of their own, dropped after); none: SQLite only. */
  postgresUrl?: string | undefined;
  /** No-op jobs per throughput run (default 2000). */
  jobs?: number;
  /** Wake-up samples per engine (default 20). */
  wakeSamples?: number;
  /** Worker slots (default 8). */
  concurrency?: number;
  log?: (line: string) => void;
}

/** What an engine offers the measurement: a producer on one connection, a worker on another. */
interface EngineUnderTest {
  enqueueMany(count: number, kind: string): Promise<void>;
  /** Starts the worker: `onStart` runs at each handler start, with the job's kind. */
  start(onStart: (kind: string) => void): Promise<void>;
  close(): Promise<void>;
}

/**
 * The queue engines side by side in one run: Parley's queue on SQLite and
 * on PostgreSQL, and graphile-worker on the same PostgreSQL. For each: bulk
 * enqueue rate, no-op jobs per second through the worker, and the wake-up
 * latency a job enqueued by another process sees while the worker idles
 * (SQLite: its poll; PostgreSQL and graphile-worker: LISTEN/NOTIFY).
 */
export async function benchQueueEngines(o: QueueEnginesOptions = {}): Promise<QueueEnginesReport> {
  const log = o.log ?? (() => {});
  const jobs = o.jobs ?? 2000;
  const samples = o.wakeSamples ?? 20;
  const concurrency = o.concurrency ?? 8;
  const config: JobsConfig = {
    ...configSchema.parse({}).jobs,
    lanes: [{ name: "all", order: "priority", concurrency }],
  };
  const report: QueueEnginesReport = {
    machine: { ...machineFacts(), loadavg: loadavg().map((l) => round(l, 2)) },
    postgres: o.postgresUrl ? redactUrl(o.postgresUrl) : null,
    runs: [],
    skipped: [],
  };
  const engines: Array<[QueueEngine, () => Promise<EngineUnderTest>]> = [["sqlite", () => sqliteEngine(config)]];
  if (o.postgresUrl) {
    const url = o.postgresUrl;
    engines.push(
      ["postgres", () => postgresEngine(url, config)],
      ["graphile-worker", () => graphileEngine(url, concurrency, config.pollIntervalMs)],
    );
  } else {
    const reason = "no PostgreSQL: pass --postgres URL or set store.url";
    report.skipped.push({ engine: "postgres", reason }, { engine: "graphile-worker", reason });
  }
  for (const [engine, open] of engines) {
    let e: EngineUnderTest;
    try {
      e = await open();
    } catch (err) {
      report.skipped.push({ engine, reason: describeError(err) });
      log(`${engine}: skipped (${describeError(err)})`);
      continue;
    }
    try {
      const run = await measure(engine, e, jobs, samples, concurrency, config.pollIntervalMs);
      log(
        `${engine}: enqueue ${run.enqueuePerSecond}/s, worker ${run.workerPerSecond}/s, wake-up p50 ${run.wakeMs.p50} ms p95 ${run.wakeMs.p95} ms`,
      );
      report.runs.push(run);
    } finally {
      await e.close();
    }
  }
  return report;
}

async function measure(
  engine: QueueEngine,
  e: EngineUnderTest,
  jobs: number,
  samples: number,
  concurrency: number,
  pollIntervalMs: number,
): Promise<QueueEngineRun> {
  let done = 0;
  let allDone: () => void = () => {};
  let woke: (() => void) | null = null;
  const t0 = performance.now();
  await e.enqueueMany(jobs, "bench.noop");
  const enqueueMs = performance.now() - t0;
  const finished = new Promise<void>((r) => (allDone = r));
  const t1 = performance.now();
  await e.start((kind) => {
    if (kind === "bench.wake") woke?.();
    else if (++done === jobs) allDone();
  });
  await finished;
  const workerMs = performance.now() - t1;
  // Idle now: each sample is one job from the other connection, spaced so the worker is asleep again.
  const wake: number[] = [];
  for (let i = 0; i < samples; i++) {
    await sleep(30 + Math.random() * 70);
    const started = new Promise<number>((r) => (woke = () => r(performance.now())));
    const before = performance.now();
    await e.enqueueMany(1, "bench.wake");
    wake.push((await started) - before);
  }
  return {
    engine,
    jobs,
    concurrency,
    pollIntervalMs,
    enqueuePerSecond: round(jobs / (enqueueMs / 1000), 0),
    workerPerSecond: round(jobs / (workerMs / 1000), 0),
    wakeMs: {
      samples,
      p50: round(percentile(wake, 50), 1),
      p95: round(percentile(wake, 95), 1),
      max: round(Math.max(...wake), 1),
    },
  };
}

/** Parley's queue: the worker's JobQueue and a producer's JobQueue on separate connections, as two processes. */
function parleyEngine(worker: JobQueue, producer: JobQueue, config: JobsConfig, close: () => Promise<void>) {
  let w: Worker | null = null;
  return {
    async enqueueMany(count: number, kind: string) {
      for (let i = 0; i < count; i += 500)
        await producer.enqueueMany(
          Array.from({ length: Math.min(500, count - i) }, (_, j) => ({ kind, payload: { i: i + j } })),
        );
    },
    async start(onStart: (kind: string) => void) {
      const tasks = createTaskRegistry()
        .register("bench.noop", async () => (onStart("bench.noop"), null))
        .register("bench.wake", async () => (onStart("bench.wake"), null));
      w = new Worker({ queue: worker, tasks, config });
      w.start();
    },
    async close() {
      await w?.stop({ graceMs: 0 });
      await close();
    },
  } satisfies EngineUnderTest;
}

async function sqliteEngine(config: JobsConfig): Promise<EngineUnderTest> {
  const dir = mkdtempSync(join(tmpdir(), "parley-queue-engines-"));
  const file = join(dir, "parley.db");
  const a = openDatabase(file);
  const b = openDatabase(file);
  return parleyEngine(createSqliteJobQueue(a, config), createSqliteJobQueue(b, config), config, async () => {
    a.close();
    b.close();
    rmSync(dir, { recursive: true, force: true });
  });
}

async function postgresEngine(url: string, config: JobsConfig): Promise<EngineUnderTest> {
  const schema = `parley_bench_${randomBytes(4).toString("hex")}`;
  const store = { url, schema, poolSize: 10 };
  const worker = createPostgresJobQueue(store, config);
  const producer = createPostgresJobQueue(store, config);
  const close = async () => {
    await worker.close();
    await producer.close();
    await dropSchema(url, schema);
  };
  try {
    await worker.open();
    await producer.open();
  } catch (err) {
    await close().catch(() => {});
    throw err;
  }
  return parleyEngine(worker, producer, config, close);
}

/** graphile-worker (a devDependency) on the same PostgreSQL, in a schema of its own. */
async function graphileEngine(url: string, concurrency: number, pollInterval: number): Promise<EngineUnderTest> {
  let gw: typeof import("graphile-worker");
  try {
    gw = await import("graphile-worker");
  } catch (err) {
    throw new Error(`graphile-worker is not installed (a devDependency of Parley): ${describeError(err)}`);
  }
  const schema = `graphile_bench_${randomBytes(4).toString("hex")}`;
  const logger = new gw.Logger(() => () => {});
  const utils = await gw.makeWorkerUtils({ connectionString: url, schema, logger });
  await utils.migrate();
  let runner: Awaited<ReturnType<typeof gw.run>> | null = null;
  return {
    async enqueueMany(count, kind) {
      for (let i = 0; i < count; i += 500)
        await utils.addJobs(
          Array.from({ length: Math.min(500, count - i) }, (_, j) => ({ identifier: kind, payload: { i: i + j } })),
        );
    },
    async start(onStart) {
      runner = await gw.run({
        connectionString: url,
        schema,
        concurrency,
        pollInterval,
        noHandleSignals: true,
        logger,
        taskList: {
          "bench.noop": async () => onStart("bench.noop"),
          "bench.wake": async () => onStart("bench.wake"),
        },
      });
    },
    async close() {
      await runner?.stop();
      await utils.release();
      await dropSchema(url, schema);
    },
  };
}

async function dropSchema(url: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  try {
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end().catch(() => {});
  }
}
