import { fileURLToPath } from "node:url";
import type { Pool } from "pg";
import type { Clock } from "../../lib/clock.js";
import { describeError } from "../../lib/errors.js";
import { StoreError } from "../../store/errors.js";
import { checkApplied, type AppliedRow, type MigrationReport } from "../../store/migrate.js";
import { loadMigrations, type Migration } from "../../store/migration-files.js";

/** The queue's own numbered migrations (`NNN_words.sql`, the same rules as src/store/migrations). */
export function postgresQueueMigrations(): Migration[] {
  return loadMigrations(fileURLToPath(new URL("./migrations/", import.meta.url)));
}

// One lock key for every Parley process migrating a queue: nodes started together wait in turn.
const LOCK_KEY = "parley.jobs.migrate";

/**
 * Brings the queue's schema to the last migration. The whole run is one
 * transaction (PostgreSQL's DDL is transactional) under an advisory lock, so
 * nodes starting together apply each file once and a failed file leaves the
 * schema as it was. The same checks as SQLite's runner: a schema newer than
 * this build, or an applied file edited or renumbered, is refused.
 */
export async function migratePostgresQueue(
  pool: Pool,
  schema: string,
  where: string,
  clock: Clock,
  migrations: readonly Migration[] = postgresQueueMigrations(),
): Promise<MigrationReport> {
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    await client.query("SELECT pg_advisory_xact_lock(hashtext($1))", [`${LOCK_KEY}:${schema}`]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
    await client.query(`CREATE TABLE IF NOT EXISTS "${schema}".queue_migrations (
      version INTEGER PRIMARY KEY,
      name TEXT NOT NULL,
      checksum TEXT NOT NULL,
      applied_at BIGINT NOT NULL
    )`);
    const { rows } = await client.query<AppliedRow>(
      `SELECT version, name, checksum FROM "${schema}".queue_migrations ORDER BY version`,
    );
    checkApplied(rows, migrations, where);
    const done: string[] = [];
    for (const m of migrations.slice(rows.length)) {
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
        `INSERT INTO "${schema}".queue_migrations (version, name, checksum, applied_at) VALUES ($1, $2, $3, $4)`,
        [m.version, m.name, m.checksum, clock.now()],
      );
      done.push(m.name);
    }
    await client.query("COMMIT");
    return { from: rows.length, to: migrations.length, applied: done };
  } catch (err) {
    await client.query("ROLLBACK").catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}
