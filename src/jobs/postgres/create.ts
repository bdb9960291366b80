import pg from "pg";
import type { JobsConfig } from "../../config/sections/jobs.js";
import { redactUrl, type StoreConfig } from "../../config/sections/store.js";
import { systemClock } from "../../lib/clock.js";
import { describeError } from "../../lib/errors.js";
import { silentLogger } from "../../lib/logger.js";
import { StoreError } from "../../store/errors.js";
import type { CreateQueueOptions } from "../create-queue.js";
import { JobQueue } from "../queue.js";
import { PostgresQueueBackend } from "./backend.js";
import { migratePostgresQueue } from "./migrate.js";
import { WakeConnection } from "./wake-listener.js";

export type PostgresStore = Pick<StoreConfig, "schema" | "poolSize"> & { url: string };

/**
 * The queue on the PostgreSQL database of `store.url`, in `store.schema`.
 * Returns at once; the pool connects and the schema is migrated in the
 * background, and every queue call waits for that (`queue.open()` to wait
 * on purpose and fail early with the reason, e.g. at `parley worker` start).
 */
export function createPostgresJobQueue(
  store: PostgresStore,
  config: JobsConfig,
  options: CreateQueueOptions = {},
): JobQueue {
  const logger = options.logger ?? silentLogger();
  const clock = options.clock ?? systemClock;
  const where = `${redactUrl(store.url)} (schema ${store.schema})`;
  const connection: pg.ClientConfig = {
    connectionString: store.url,
    // Every connection resolves the queue's unqualified table names in its schema.
    options: `-c search_path="${store.schema}"`,
    application_name: "parley",
  };
  const pool = new pg.Pool({ ...connection, max: store.poolSize });
  // An idle connection dropped by the server must not crash the process; the next query reconnects.
  pool.on("error", (err) => logger.warn({ err: describeError(err) }, "PostgreSQL connection lost (queue pool)"));
  const channel = `parley_jobs.${store.schema}`;
  const wake = new WakeConnection(connection, channel, logger);
  const ready = migratePostgresQueue(pool, store.schema, where, clock).then(
    (report) => {
      if (report.applied.length > 0) logger.info({ where, applied: report.applied }, "queue schema migrated");
    },
    (err: unknown) => {
      if (err instanceof StoreError) throw err;
      throw new StoreError("store_open_failed", `cannot use the job queue at ${where}: ${describeError(err)}`, {
        cause: err,
      });
    },
  );
  // Callers see the failure through open() or their first call; never as an unhandled rejection.
  ready.catch(() => {});
  const backend = new PostgresQueueBackend(pool, {
    leaseMs: config.leaseMs,
    retry: { baseMs: config.retryBaseMs, maxMs: config.retryMaxMs, jitter: config.retryJitter },
    maxAttempts: config.maxAttempts,
    channel,
    wake,
    ready,
    close: once(async () => {
      await wake.close();
      await pool.end();
    }),
    clock,
    ...(options.random ? { random: options.random } : {}),
  });
  return new JobQueue(backend, {
    maxAttemptsByKind: config.kinds,
    ...(options.logger ? { logger: options.logger } : {}),
  });
}

/** `fn` run at most once; later calls get the first call's promise. */
function once(fn: () => Promise<void>): () => Promise<void> {
  let done: Promise<void> | null = null;
  return () => (done ??= fn());
}
