import BetterSqlite3, { type Database } from "better-sqlite3";
import { mkdirSync, statSync } from "node:fs";
import { dirname } from "node:path";
import { systemClock, type Clock } from "../lib/clock.js";
import type { Logger } from "../lib/logger.js";
import { StoreError } from "./errors.js";
import { migrate, type MigrationReport } from "./migrate.js";
import { loadMigrations, type Migration } from "./migration-files.js";

export type { Database };

export interface OpenDatabaseOptions {
  /** Migrations to apply; defaults to the folder shipped next to this module. */
  migrations?: readonly Migration[];
  /** How long a writer waits for another process's lock before SQLITE_BUSY (serve and worker share the file). */
  busyTimeoutMs?: number;
  clock?: Clock;
  logger?: Logger;
}

/** SQLite result codes that mean the bytes on disk are not a usable database. */
const CORRUPT_CODES = new Set(["SQLITE_NOTADB", "SQLITE_CORRUPT"]);

/**
 * Opens (creating if needed) a Parley database: WAL, a busy timeout, foreign
 * keys on, synchronous=NORMAL (durable across process crashes, which is what
 * the queue's leases need; a power cut may lose the last commits), then
 * applies pending migrations. Every failure is a StoreError naming the file.
 */
export function openDatabase(file: string, options: OpenDatabaseOptions = {}): Database {
  const migrations = options.migrations ?? loadMigrations();
  if (file !== ":memory:") prepareParent(file);
  let db: Database;
  try {
    db = new BetterSqlite3(file);
  } catch (err) {
    throw new StoreError("store_open_failed", `cannot open the database ${file}: ${(err as Error).message}`, {
      cause: err,
    });
  }
  try {
    db.pragma(`busy_timeout = ${Math.max(0, Math.trunc(options.busyTimeoutMs ?? 5000))}`);
    // The first read of the header: a non-SQLite file fails here, before anything is written.
    db.prepare("SELECT count(*) FROM sqlite_schema").get();
    db.pragma("journal_mode = WAL");
    db.pragma("synchronous = NORMAL");
    // Checkpoint every 4000 pages (16 MB of WAL) rather than 1000: a checkpoint runs inside the commit
    // that triggers it, with two fsyncs, and the queue commits thousands of small transactions a second.
    // Durability is the same (commits never waited on checkpoints); the WAL file just grows larger between them.
    db.pragma("wal_autocheckpoint = 4000");
    db.pragma("foreign_keys = ON");
    const report = migrate(db, migrations, file, options.clock ?? systemClock);
    logMigrations(options.logger, file, report);
    return db;
  } catch (err) {
    db.close();
    throw asStoreError(err, file);
  }
}

function prepareParent(file: string): void {
  mkdirSync(dirname(file), { recursive: true });
  const stat = statSync(file, { throwIfNoEntry: false });
  if (stat && !stat.isFile())
    throw new StoreError("store_open_failed", `cannot open the database ${file}: it is not a regular file`);
}

function asStoreError(err: unknown, file: string): StoreError {
  if (err instanceof StoreError) return err;
  const code = (err as { code?: string }).code ?? "";
  if (CORRUPT_CODES.has(code)) {
    return new StoreError(
      "store_corrupt",
      `${file} is not a SQLite database or is corrupt (${(err as Error).message}); restore it from a backup or move it aside`,
      { cause: err },
    );
  }
  return new StoreError("store_open_failed", `cannot open the database ${file}: ${(err as Error).message}`, {
    cause: err,
  });
}

function logMigrations(logger: Logger | undefined, file: string, report: MigrationReport): void {
  if (!logger || report.applied.length === 0) return;
  logger.info({ file, from: report.from, to: report.to, applied: report.applied }, "database migrated");
}
