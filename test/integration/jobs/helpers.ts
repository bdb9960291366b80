import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { validate } from "../../../src/config/index.js";
import type { JobsConfig } from "../../../src/config/sections/jobs.js";
import { createSqliteJobQueue, type JobQueue } from "../../../src/jobs/index.js";
import { ManualClock, type Clock } from "../../../src/lib/clock.js";
import { openDatabase, type Database } from "../../../src/store/index.js";

/** A temporary folder and its cleanup. */
export function tempDir(prefix = "parley-jobs-"): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A full `jobs` config from a few overrides, validated like a real one. */
export function jobsConfig(overrides: Record<string, unknown> = {}): JobsConfig {
  return validate({ jobs: overrides }).jobs;
}

export interface QueueFixture {
  dir: string;
  file: string;
  db: Database;
  queue: JobQueue;
  clock: Clock;
  config: JobsConfig;
  close: () => void;
}

/** A real database file in a temp dir with the queue on it. */
export function queueFixture(
  o: { clock?: Clock; config?: Record<string, unknown>; random?: () => number } = {},
): QueueFixture {
  const { dir, cleanup } = tempDir();
  const file = join(dir, "parley.db");
  const db = openDatabase(file);
  const clock = o.clock ?? new ManualClock(Date.UTC(2025, 0, 1));
  const config = jobsConfig(o.config);
  const queue = createSqliteJobQueue(db, config, { clock, ...(o.random ? { random: o.random } : {}) });
  return {
    dir,
    file,
    db,
    queue,
    clock,
    config,
    close: () => {
      db.close();
      cleanup();
    },
  };
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
