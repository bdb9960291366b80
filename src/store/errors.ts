import { ParleyError, type ParleyErrorOptions } from "../lib/errors.js";

/**
 * A database that cannot be used as it is: corrupt, newer than this build, or
 * a migration that failed. The message always names the file, because an
 * operator reading it has several data dirs and backups to choose from.
 */
export class StoreError extends ParleyError {
  constructor(code: StoreErrorCode, message: string, options: ParleyErrorOptions = {}) {
    super(code, message, { status: 500, ...options });
    this.name = "StoreError";
  }
}

export type StoreErrorCode =
  | "store_open_failed"
  | "store_corrupt"
  | "store_too_new"
  | "store_migration_invalid"
  | "store_migration_changed"
  | "store_migration_failed"
  | "store_not_empty"
  | "store_copy_failed"
  | "store_jobs_unfinished";

/** errno codes and SQLite result codes that mean "no room left to write". */
const FULL_CODES = new Set(["ENOSPC", "EDQUOT", "EFBIG", "SQLITE_FULL"]);

/** Whether a file system or SQLite error says the disk (or the process's file size limit) is full. */
export function isDiskFull(err: unknown): boolean {
  for (let e = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if (FULL_CODES.has((e as { code?: string }).code ?? "")) return true;
  }
  return false;
}

/**
 * A write refused for lack of space: HTTP 507, retryable once space is freed.
 * The message says what to do, since the operator reads it in a client's error.
 */
export class DiskFullError extends ParleyError {
  constructor(cause: unknown) {
    const code = (cause as { code?: string }).code ?? "ENOSPC";
    super(
      "insufficient_storage",
      `the data dir's disk is full (${code}): nothing was stored. Free space (delete old voicemails with DELETE /v1/voicemails/{id}, or grow the volume) and try again`,
      { status: 507, retryable: true, cause },
    );
    this.name = "DiskFullError";
  }
}
