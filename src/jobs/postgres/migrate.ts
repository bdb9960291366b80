import { fileURLToPath } from "node:url";
import type { Pool } from "pg";
import type { Clock } from "../../lib/clock.js";
import type { MigrationReport } from "../../store/migrate.js";
import { loadMigrations, type Migration } from "../../store/migration-files.js";
import { migratePostgres } from "../../store/sql/postgres-migrate.js";

/** The queue's own numbered migrations (`NNN_words.sql`, the same rules as src/store/migrations). */
export function postgresQueueMigrations(): Migration[] {
  return loadMigrations(fileURLToPath(new URL("./migrations/", import.meta.url)));
}

/**
 * Brings the queue's schema to the last migration (one transaction under an advisory lock: see migratePostgres),
 * recorded in `queue_migrations`, apart from the repositories' `store_migrations`.
 */
export async function migratePostgresQueue(
  pool: Pool,
  schema: string,
  where: string,
  clock: Clock,
  migrations: readonly Migration[] = postgresQueueMigrations(),
): Promise<MigrationReport> {
  return migratePostgres(pool, schema, { table: "queue_migrations", migrations }, where, clock);
}
