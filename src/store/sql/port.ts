/**
 * The store's SQL port: what a repository needs from a database, asynchronous so that one repository runs on the
 * embedded SQLite file of a node and on the PostgreSQL database (`store.url`) that several nodes share.
 *
 * - Statements are written once, in the SQL both engines accept, with `?` parameters; the PostgreSQL adapter
 *   numbers them (`$1`, `$2`...) in one place (`placeholders.ts`). Times are integers (ms since the epoch) on both:
 *   BIGINT columns come back from PostgreSQL as numbers, not strings.
 * - `transaction(fn)` runs `fn` on one connection between BEGIN and COMMIT (ROLLBACK when it throws). Inside it,
 *   use only the executor it hands you, and await nothing but its statements.
 * - Each engine has its own migrations: SQLite's in `store/migrations/` (applied when the file opens),
 *   PostgreSQL's in `store/sql/postgres-migrations/` (applied when the pool first connects).
 */
/** A Uint8Array (a Buffer) is a BLOB on SQLite and a BYTEA on PostgreSQL; both give a Buffer back. */
export type SqlValue = string | number | null | Uint8Array;

export interface SqlRunResult {
  /** Rows inserted, updated or deleted. */
  changes: number;
}

/** Runs statements: the store itself, or one transaction of it. */
export interface SqlExecutor {
  all<R extends object>(sql: string, params?: readonly SqlValue[]): Promise<R[]>;
  /** The first row, or null. */
  get<R extends object>(sql: string, params?: readonly SqlValue[]): Promise<R | null>;
  run(sql: string, params?: readonly SqlValue[]): Promise<SqlRunResult>;
}

export type SqlDialect = "sqlite" | "postgres";

export interface SqlStore extends SqlExecutor {
  readonly dialect: SqlDialect;
  /** Where the data is, for messages (a file, or a URL with its password hidden). */
  readonly where: string;
  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  /** Waits until the store is usable (PostgreSQL: connected and migrated); fails with the reason otherwise. */
  open(): Promise<void>;
  /** Releases the connections; the SQLite adapter leaves the database handle to its owner. */
  close(): Promise<void>;
}
