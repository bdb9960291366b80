import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDatabase, type Database } from "../../src/store/index.js";
import { createPostgresSql, SqliteSql, type SqlStore } from "../../src/store/sql/index.js";
import { postgresUnavailable, scratchSchema, testPostgresUrl } from "./postgres.js";

/** A store for one test: the SQL port, the SQLite handle behind it (SQLite only), and its removal. */
export interface OpenedStore {
  sql: SqlStore;
  /** The node's SQLite database (both engines have one: repositories not moved to the port stay there). */
  db: Database;
  close: () => Promise<void>;
}

export interface StoreEngine {
  engine: "sqlite" | "postgres";
  /** Why this engine cannot run here (PostgreSQL unreachable), or null. */
  skip: string | null;
  /** The describe's name: the engine, and the reason when it skips. */
  label: string;
  open: () => Promise<OpenedStore>;
}

/**
 * The engines a repository's tests run on: a SQLite file always, PostgreSQL (a fresh schema of its own) when the
 * test database answers. Use with `describe.each(await storeEngines())("... on $label", ...)` and `skipIf(skip)`.
 */
export async function storeEngines(): Promise<StoreEngine[]> {
  const pgSkip = await postgresUnavailable();
  return [
    { engine: "sqlite", skip: null, label: "sqlite", open: openSqlite },
    {
      engine: "postgres",
      skip: pgSkip,
      label: pgSkip ? `postgres (skipped: ${pgSkip})` : "postgres",
      open: openPostgres,
    },
  ];
}

async function openSqlite(): Promise<OpenedStore> {
  const dir = mkdtempSync(join(tmpdir(), "parley-sql-"));
  const db = openDatabase(join(dir, "parley.db"));
  return {
    sql: new SqliteSql(db),
    db,
    close: async () => {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function openPostgres(): Promise<OpenedStore> {
  const scratch = scratchSchema();
  const sqlite = await openSqlite();
  const sql = createPostgresSql({ url: testPostgresUrl, schema: scratch.schema, poolSize: 4 });
  await sql.open();
  return {
    sql,
    db: sqlite.db,
    close: async () => {
      await sql.close();
      await scratch.drop();
      await sqlite.close();
    },
  };
}
