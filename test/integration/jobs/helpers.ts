import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { validate } from "../../../src/config/index.js";
import type { JobsConfig } from "../../../src/config/sections/jobs.js";
import { createPostgresJobQueue, createSqliteJobQueue, type JobQueue } from "../../../src/jobs/index.js";
import { ManualClock, type Clock } from "../../../src/lib/clock.js";
import { openDatabase, type Database } from "../../../src/store/index.js";
import { postgresUnavailable, queryIn, scratchSchema, testPostgresUrl } from "../../helpers/postgres.js";

/** A temporary folder and its cleanup. */
export function tempDir(prefix = "parley-jobs-"): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A full `jobs` config from a few overrides, validated like a real one. */
export function jobsConfig(overrides: Record<string, unknown> = {}): JobsConfig {
  return validate({ jobs: overrides }).jobs;
}

export type BackendName = "sqlite" | "postgres";

export interface QueueFixture {
  backend: BackendName;
  queue: JobQueue;
  clock: Clock;
  config: JobsConfig;
  /** Rows of `job_events` of one type, read from the database itself. */
  countEvents: (type: string) => Promise<number>;
  close: () => Promise<void>;
}

export interface FixtureOptions {
  clock?: Clock;
  config?: Record<string, unknown>;
  random?: () => number;
}

/** A real database with the queue on it: a SQLite file in a temp dir, or a schema of its own on the test PostgreSQL. */
export async function queueFixture(backend: BackendName = "sqlite", o: FixtureOptions = {}): Promise<QueueFixture> {
  const clock = o.clock ?? new ManualClock(Date.UTC(2025, 0, 1));
  const config = jobsConfig(o.config);
  const options = { clock, ...(o.random ? { random: o.random } : {}) };
  if (backend === "postgres") {
    const { schema, drop } = scratchSchema();
    const queue = createPostgresJobQueue({ url: testPostgresUrl, schema, poolSize: 4 }, config, options);
    await queue.open();
    return {
      backend,
      queue,
      clock,
      config,
      countEvents: async (type) =>
        (await queryIn<{ n: number }>(schema, "SELECT count(*)::int AS n FROM job_events WHERE type = $1", [type]))[0]
          ?.n ?? 0,
      close: async () => {
        await queue.close();
        await drop();
      },
    };
  }
  const { dir, cleanup } = tempDir();
  const db: Database = openDatabase(join(dir, "parley.db"));
  const queue = createSqliteJobQueue(db, config, options);
  return {
    backend,
    queue,
    clock,
    config,
    countEvents: async (type) =>
      (db.prepare("SELECT count(*) AS n FROM job_events WHERE type = ?").get(type) as { n: number }).n,
    close: async () => {
      db.close();
      cleanup();
    },
  };
}

/**
 * The engines a queue test runs on: SQLite always, PostgreSQL when the test
 * database answers; `skip` says why not (vitest prints the describe's name).
 */
export async function queueBackends(): Promise<Array<{ backend: BackendName; skip: string | null; label: string }>> {
  const pgSkip = await postgresUnavailable();
  return [
    { backend: "sqlite", skip: null, label: "sqlite" },
    { backend: "postgres", skip: pgSkip, label: pgSkip ? `postgres (skipped: ${pgSkip})` : "postgres" },
  ];
}

/** Polls until `check` returns a truthy value (real time). */
export async function waitFor<T>(
  check: () => T | Promise<T>,
  what: string,
  timeoutMs = 10_000,
  everyMs = 10,
): Promise<NonNullable<T>> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export interface Gate {
  promise: Promise<void>;
  open: () => void;
}

/** A promise with its resolve handle, for tasks that block until the test says so. */
export function gate(): Gate {
  let open!: () => void;
  const promise = new Promise<void>((r) => (open = r));
  return { promise, open };
}
