import type { Database } from "better-sqlite3";
import { describeError } from "../lib/errors.js";
import type { Clock } from "../lib/clock.js";
import { repairLegacyE164 } from "../lib/phone.js";
import { StoreError } from "./errors.js";
import type { Migration } from "./migration-files.js";

export interface MigrationReport {
  /** Schema version before and after. */
  from: number;
  to: number;
  /** File names applied by this call. */
  applied: string[];
}

export interface AppliedRow {
  version: number;
  name: string;
  checksum: string;
}

/**
 * Brings the database up to the last migration, one transaction per file
 * (the file and its `schema_migrations` row commit together, so a crash
 * leaves the schema at a known version). Refuses a database that is newer
 * than `migrations`, or whose applied files were edited or renumbered.
 */
export function migrate(db: Database, migrations: readonly Migration[], file: string, clock: Clock): MigrationReport {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    checksum TEXT NOT NULL,
    applied_at INTEGER NOT NULL
  ) STRICT`);
  registerMigrationFunctions(db);
  const applied = db
    .prepare<[], AppliedRow>("SELECT version, name, checksum FROM schema_migrations ORDER BY version")
    .all();
  checkApplied(applied, migrations, file);
  const from = applied.length;
  const done: string[] = [];
  // SQLite's recipe for schema changes: foreign keys off (they cannot be switched inside a transaction),
  // so a table rebuild's DROP TABLE does not cascade into child rows; foreign_key_check before each commit.
  const foreignKeys = db.pragma("foreign_keys", { simple: true }) as number;
  db.pragma("foreign_keys = OFF");
  try {
    for (const m of migrations.slice(from)) if (applyMigration(db, m, file, clock)) done.push(m.name);
  } finally {
    db.pragma(`foreign_keys = ${foreignKeys ? "ON" : "OFF"}`);
  }
  return { from, to: migrations.length, applied: done };
}

/**
 * SQL functions a migration may call where plain SQL cannot do the work
 * (019 re-normalises phone numbers with the numbering plans). Only pure,
 * deterministic functions: a migration must give the same result whenever it runs.
 */
function registerMigrationFunctions(db: Database): void {
  db.function("repair_legacy_e164", { deterministic: true }, (value: unknown) =>
    typeof value === "string" ? repairLegacyE164(value) : value,
  );
}

/** Applies one file and records it, atomically; false when another process applied it first. */
function applyMigration(db: Database, m: Migration, file: string, clock: Clock): boolean {
  const apply = db.transaction(() => {
    // Another process (serve and worker start together) may have applied it while we waited for the lock.
    if (db.prepare("SELECT 1 FROM schema_migrations WHERE version = ?").get(m.version)) return false;
    db.exec(m.sql);
    const broken = db.prepare("PRAGMA foreign_key_check").all();
    if (broken.length > 0) throw new Error(`leaves ${broken.length} rows violating foreign keys`);
    db.prepare("INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (?, ?, ?, ?)").run(
      m.version,
      m.name,
      m.checksum,
      clock.now(),
    );
    // Mirrors the version into the file header, so the sqlite3 shell and backup tools can read it.
    db.pragma(`user_version = ${m.version}`);
    return true;
  });
  try {
    // IMMEDIATE takes the write lock first: two processes never interleave one migration.
    return apply.immediate();
  } catch (err) {
    throw new StoreError(
      "store_migration_failed",
      `${file}: migration ${m.name} failed and was rolled back: ${describeError(err)}`,
      { cause: err },
    );
  }
}

/** Refuses applied migrations this build does not know, or that were renumbered or edited (also used by the Postgres queue's runner). */
export function checkApplied(applied: readonly AppliedRow[], migrations: readonly Migration[], file: string): void {
  const known = migrations.length;
  const newest = applied[applied.length - 1];
  if (newest && newest.version > known) {
    const unknown = applied
      .filter((a) => a.version > known)
      .map((a) => a.name)
      .join(", ");
    throw new StoreError(
      "store_too_new",
      `${file} was written by a newer Parley (schema version ${newest.version}, this build knows up to ${known}; unknown migrations: ${unknown}). Upgrade Parley or open a backup made by this version.`,
    );
  }
  applied.forEach((row, i) => {
    const code = migrations[i];
    if (row.version !== i + 1 || !code) {
      throw new StoreError(
        "store_migration_invalid",
        `${file}: schema_migrations has version ${row.version} where ${i + 1} was expected; the database was changed by hand`,
      );
    }
    if (row.name !== code.name) {
      throw new StoreError(
        "store_migration_changed",
        `${file}: migration ${row.version} was applied as ${row.name} but this build calls it ${code.name}; two migrations were given the same number`,
      );
    }
    if (row.checksum !== code.checksum) {
      throw new StoreError(
        "store_migration_changed",
        `${file}: migration ${code.name} was edited after it was applied; released migrations are immutable, add a new one instead`,
      );
    }
  });
}
