import type { Database } from "better-sqlite3";
import type { JobsConfig } from "../config/sections/jobs.js";
import type { Clock } from "../lib/clock.js";
import type { Logger } from "../lib/logger.js";
import { JobQueue } from "./queue.js";
import { SqliteQueueBackend } from "./sqlite-backend.js";

export interface CreateQueueOptions {
  clock?: Clock;
  logger?: Logger;
  /** Source of the retry jitter (tests pin it). */
  random?: () => number;
}

/** The queue on an open Parley database, with the `jobs` config applied. */
export function createSqliteJobQueue(db: Database, config: JobsConfig, options: CreateQueueOptions = {}): JobQueue {
  const backend = new SqliteQueueBackend(db, {
    leaseMs: config.leaseMs,
    retry: { baseMs: config.retryBaseMs, maxMs: config.retryMaxMs, jitter: config.retryJitter },
    maxAttempts: config.maxAttempts,
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.random ? { random: options.random } : {}),
  });
  return new JobQueue(backend, {
    maxAttemptsByKind: config.kinds,
    ...(options.logger ? { logger: options.logger } : {}),
  });
}
