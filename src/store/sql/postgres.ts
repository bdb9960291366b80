import { fileURLToPath } from "node:url";
import pg from "pg";
import { systemClock, type Clock } from "../../lib/clock.js";
import { describeError } from "../../lib/errors.js";
import { silentLogger, type Logger } from "../../lib/logger.js";
import { StoreError } from "../errors.js";
import { loadMigrations, type Migration } from "../migration-files.js";
import { numberPlaceholders } from "./placeholders.js";
import type { SqlExecutor, SqlRunResult, SqlStore, SqlValue } from "./port.js";
import { migratePostgres } from "./postgres-migrate.js";

/** Where the shared store is: `store.url`, `store.schema`, `store.poolSize`. */
export interface PostgresStoreConfig {
  url: string;
  schema: string;
  poolSize: number;
}

export interface PostgresSqlOptions {
  logger?: Logger;
  clock?: Clock;
  /** Defaults to the folder shipped next to this module. */
  migrations?: readonly Migration[];
}

/** The repositories' own numbered migrations on PostgreSQL (the queue's are in jobs/postgres/migrations). */
export function postgresStoreMigrations(): Migration[] {
  return loadMigrations(fileURLToPath(new URL("./postgres-migrations/", import.meta.url)));
}

const INT8 = 20;
/**
 * BIGINT as a number: our BIGINT columns are ms timestamps, counts and ids, far below 2^53, and the repositories
 * expect the numbers SQLite gives them. Set on this pool only, not on node-postgres' global parsers.
 */
const types: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: "text" | "binary") =>
    oid === INT8 && format !== "binary"
      ? (v: string) => Number(v)
      : pg.types.getTypeParser(oid, format)) as pg.CustomTypesConfig["getTypeParser"],
};

/**
 * The repositories on the PostgreSQL database of `store.url`, in `store.schema`, shared by every node. Returns at
 * once; the pool connects and the schema is migrated in the background, and every statement waits for that
 * (`open()` waits on purpose, so a start fails early with the reason).
 */
export function createPostgresSql(config: PostgresStoreConfig, options: PostgresSqlOptions = {}): SqlStore {
  const logger = options.logger ?? silentLogger();
  const where = `${redact(config.url)} (schema ${config.schema})`;
  const pool = new pg.Pool({
    connectionString: config.url,
    // Every connection resolves the unqualified table names in the store's schema.
    options: `-c search_path="${config.schema}"`,
    application_name: "parley",
    max: config.poolSize,
    types,
  });
  // An idle connection dropped by the server must not crash the process; the next query reconnects.
  pool.on("error", (err) => logger.warn({ err: describeError(err) }, "PostgreSQL connection lost (store pool)"));
  const set = {
    table: "store_migrations",
    migrations: options.migrations ?? postgresStoreMigrations(),
  };
  const ready = migratePostgres(pool, config.schema, set, where, options.clock ?? systemClock).then(
    (report) => {
      if (report.applied.length > 0) logger.info({ where, applied: report.applied }, "store schema migrated");
    },
    (err: unknown) => {
      if (err instanceof StoreError) throw err;
      throw new StoreError("store_open_failed", `cannot use the store at ${where}: ${describeError(err)}`, {
        cause: err,
      });
    },
  );
  // Callers see the failure through open() or their first statement; never as an unhandled rejection.
  ready.catch(() => {});
  return new PostgresSql(pool, where, ready);
}

class PostgresSql implements SqlStore {
  readonly dialect = "postgres" as const;
  private closed: Promise<void> | null = null;

  constructor(
    private readonly pool: pg.Pool,
    readonly where: string,
    private readonly ready: Promise<void>,
  ) {}

  open(): Promise<void> {
    return this.ready;
  }

  async all<R extends object>(sql: string, params: readonly SqlValue[] = []): Promise<R[]> {
    await this.ready;
    return query<R>(this.pool, sql, params).then((r) => r.rows);
  }

  async get<R extends object>(sql: string, params: readonly SqlValue[] = []): Promise<R | null> {
    return (await this.all<R>(sql, params))[0] ?? null;
  }

  async run(sql: string, params: readonly SqlValue[] = []): Promise<SqlRunResult> {
    await this.ready;
    return { changes: (await query(this.pool, sql, params)).rowCount ?? 0 };
  }

  async transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    await this.ready;
    const client = await this.pool.connect();
    try {
      await client.query("BEGIN");
      const tx: SqlExecutor = {
        all: async <R extends object>(sql: string, params: readonly SqlValue[] = []) =>
          (await query<R>(client, sql, params)).rows,
        get: async <R extends object>(sql: string, params: readonly SqlValue[] = []) =>
          (await query<R>(client, sql, params)).rows[0] ?? null,
        run: async (sql: string, params: readonly SqlValue[] = []) => ({
          changes: (await query(client, sql, params)).rowCount ?? 0,
        }),
      };
      const result = await fn(tx);
      await client.query("COMMIT");
      return result;
    } catch (err) {
      await client.query("ROLLBACK").catch(() => {});
      throw err;
    } finally {
      client.release();
    }
  }

  close(): Promise<void> {
    return (this.closed ??= this.pool.end());
  }
}

function query<R extends object>(
  on: pg.Pool | pg.PoolClient,
  sql: string,
  params: readonly SqlValue[],
): Promise<pg.QueryResult<R & pg.QueryResultRow>> {
  return on.query<R & pg.QueryResultRow>(numberPlaceholders(sql), params as SqlValue[]);
}

function redact(url: string): string {
  return url.replace(/:[^:@/]*@/, ":***@");
}
