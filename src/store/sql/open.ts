import type { Database } from "better-sqlite3";
import type { Clock } from "../../lib/clock.js";
import type { Logger } from "../../lib/logger.js";
import type { SqlStore } from "./port.js";
import { createPostgresSql } from "./postgres.js";
import { SqliteSql } from "./sqlite.js";

/**
 * The store the repositories that are shared between nodes use: PostgreSQL when `store.url` is set, else the
 * node's SQLite database `db` (which also keeps, in both cases, the repositories not yet moved to this port).
 */
export function openSqlStore(
  db: Database,
  store: { url?: string | undefined; schema: string; poolSize: number },
  options: { logger?: Logger; clock?: Clock } = {},
): SqlStore {
  return store.url
    ? createPostgresSql({ url: store.url, schema: store.schema, poolSize: store.poolSize }, options)
    : new SqliteSql(db);
}
