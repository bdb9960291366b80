import type { Database } from "better-sqlite3";
import type { JobsConfig } from "../config/sections/jobs.js";
import type { StoreConfig } from "../config/sections/store.js";
import { createSqliteJobQueue, type CreateQueueOptions } from "./create-queue.js";
import { createPostgresJobQueue } from "./postgres/create.js";
import type { JobQueue } from "./queue.js";

/**
 * The queue the config asks for: on PostgreSQL when `store.url` is set
 * (shared by every node pointing at it), else in the node's SQLite database.
 */
export function createJobQueue(
  db: Database,
  config: { store: StoreConfig; jobs: JobsConfig },
  options: CreateQueueOptions = {},
): JobQueue {
  const { url } = config.store;
  return url
    ? createPostgresJobQueue({ ...config.store, url }, config.jobs, options)
    : createSqliteJobQueue(db, config.jobs, options);
}
