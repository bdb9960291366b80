import type { Database, Statement } from "better-sqlite3";
import type { SqlExecutor, SqlRunResult, SqlStore, SqlValue } from "./port.js";

/**
 * The SQL port over a node's SQLite database (the handle `openDatabase` returns, migrated already). Statements run
 * synchronously underneath and are prepared once. A transaction holds the handle until it ends: statements from
 * outside it wait, so they never land inside someone else's BEGIN ... COMMIT.
 */
export class SqliteSql implements SqlStore {
  readonly dialect = "sqlite" as const;
  private readonly statements = new Map<string, Statement>();
  /** Settles when the running transaction (if any) has ended. */
  private idle: Promise<void> = Promise.resolve();
  private readonly direct: SqlExecutor;

  constructor(
    private readonly db: Database,
    readonly where: string = db.name,
  ) {
    this.direct = {
      all: async <R extends object>(sql: string, params: readonly SqlValue[] = []) =>
        this.prepare(sql).all(...params) as R[],
      get: async <R extends object>(sql: string, params: readonly SqlValue[] = []) =>
        (this.prepare(sql).get(...params) as R | undefined) ?? null,
      run: async (sql: string, params: readonly SqlValue[] = []): Promise<SqlRunResult> => ({
        changes: this.prepare(sql).run(...params).changes,
      }),
    };
  }

  async open(): Promise<void> {}

  async all<R extends object>(sql: string, params?: readonly SqlValue[]): Promise<R[]> {
    await this.idle;
    return this.direct.all<R>(sql, params);
  }

  async get<R extends object>(sql: string, params?: readonly SqlValue[]): Promise<R | null> {
    await this.idle;
    return this.direct.get<R>(sql, params);
  }

  async run(sql: string, params?: readonly SqlValue[]): Promise<SqlRunResult> {
    await this.idle;
    return this.direct.run(sql, params);
  }

  async transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    const previous = this.idle;
    let end!: () => void;
    this.idle = new Promise((resolve) => (end = resolve));
    await previous;
    try {
      // IMMEDIATE takes the write lock now: a `parley worker` on the same file cannot slip a write in between.
      this.db.exec("BEGIN IMMEDIATE");
      try {
        const result = await fn(this.direct);
        this.db.exec("COMMIT");
        return result;
      } catch (err) {
        if (this.db.inTransaction) this.db.exec("ROLLBACK");
        throw err;
      }
    } finally {
      end();
    }
  }

  /** The database handle belongs to whoever opened it (`openDatabase`); nothing to release here. */
  async close(): Promise<void> {}

  private prepare(sql: string): Statement {
    let stmt = this.statements.get(sql);
    if (!stmt) {
      stmt = this.db.prepare(sql);
      this.statements.set(sql, stmt);
    }
    return stmt;
  }
}
