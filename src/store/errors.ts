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
  | "store_migration_failed";
