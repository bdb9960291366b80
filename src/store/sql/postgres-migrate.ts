import type { Pool } from "pg";
import type { Clock } from "../../lib/clock.js";
import { describeError } from "../../lib/errors.js";
import { StoreError } from "../errors.js";
import { checkApplied, type AppliedRow, type MigrationReport } from "../migrate.js";
import type { Migration } from "../migration-files.js";

/** Which migrations, and where their applied versions are recorded. */
export interface PostgresMigrationSet {
  /** The table (in the schema) that records applied versions, e.g. `store_migrations`. */
  table: string;
  migrations: readonly Migration[];
}

// One advisory lock per schema for every set: the queue's and the store's migrations both create the schema, and
// CREATE SCHEMA IF NOT EXISTS is not safe against a concurrent creation (it fails on the unique name instead).
const LOCK_KEY = "parley.migrate";

/**
 * Brings one set of migrations in `schema` to its last file. The whole run is one transaction (PostgreSQL's DDL is
 * transactional) under an advisory lock, so nodes starting together apply each file once and a failed file leaves
 * the schema as it was. The same checks as SQLite's runner: a schema newer than this build, or an applied file edited
 * or renumbered, is refused. The queue (`jobs/postgres`) and the repositories (`store/sql`) each have their own set.
 */
export async function migratePostgres(
  pool: Pool,
  schema: string,
  set: PostgresMigrationSet,
  where: string,
  clock: Clock,
): Promise<MigrationReport> {
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    await client.query("SELECT pg_advisory_xact_lock(hashtext($1))", [`${LOCK_KEY}:${schema}`]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
    await client.query(`CREATE TABLE IF NOT EXISTS "${schema}".${set.table} (
      version INTEGER PRIMARY KEY,
      name TEXT NOT NULL,
      checksum TEXT NOT NULL,
      applied_at BIGINT NOT NULL
    )`);
    const { rows } = await client.query<AppliedRow>(
      `SELECT version, name, checksum FROM "${schema}".${set.table} ORDER BY version`,
    );
    checkApplied(rows, set.migrations, where);
    const done: string[] = [];
    for (const m of set.migrations.slice(rows.length)) {
      try {
        await client.query(`SET LOCAL search_path TO "${schema}"`);
        await client.query(m.sql);
      } catch (err) {
        throw new StoreError(
          "store_migration_failed",
          `${where}: migration ${m.name} failed and was rolled back: ${describeError(err)}`,
          { cause: err },
        );
      }
      await client.query(
        `INSERT INTO "${schema}".${set.table} (version, name, checksum, applied_at) VALUES ($1, $2, $3, $4)`,
        [m.version, m.name, m.checksum, clock.now()],
      );
      done.push(m.name);
    }
    await client.query("COMMIT");
    return { from: rows.length, to: set.migrations.length, applied: done };
  } catch (err) {
    await client.query("ROLLBACK").catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}
