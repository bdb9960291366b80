import type { SqlExecutor, SqlStore, SqlValue } from "./sql/port.js";
import { StoreError } from "./errors.js";

/**
 * The tables a node's SQLite database holds that the nodes share on PostgreSQL (issue 12), in the order they are
 * copied, with the columns both engines have. Webhooks, calls, voicemails, campaigns... are not on the SQL port yet,
 * so they are not copied (docs/scale-out.md).
 */
export const SHARED_TABLES = [
  { table: "api_keys", columns: ["id", "name", "secret_hash", "created_at", "last_used_at", "revoked_at"] },
  { table: "agents", columns: ["name", "definition", "created_at", "updated_at"] },
  {
    table: "agent_versions",
    columns: ["agent", "version", "definition", "saved_by", "saved_at", "restored_from"],
  },
  { table: "operators", columns: ["name", "password_hash", "created_at"] },
  { table: "dnc_numbers", columns: ["number", "source", "reason", "created_at"] },
  {
    table: "dnc_audit",
    columns: ["id", "number", "action", "source", "actor", "reason", "notification_id", "campaign_id", "created_at"],
    // Ids are copied (the audit pages by id); the identity sequence then starts after the last one.
    identity: "id",
  },
] as const;

export type SharedTable = (typeof SHARED_TABLES)[number]["table"];

export interface CopyReport {
  /** Rows copied per table (equal to the source's, checked before the commit). */
  tables: Record<SharedTable, number>;
  /** The console's cookie-signing secret: copied from the node's file, kept (the store had one), or none to copy. */
  secret: "copied" | "kept" | "none";
}

export interface CopyOptions {
  /** The node's `<dataDir>/console-secret`, when it has one: copied so that its console sessions stay valid. */
  secret?: Buffer | null;
  /** Called after each batch (and once per table at its end) with the rows copied so far. */
  progress?: (table: SharedTable, copied: number, total: number) => void;
  /** Rows per INSERT (default 500). */
  batch?: number;
}

/**
 * Copies the shared tables of a node's SQLite store `from` into the PostgreSQL store `to`, in one transaction: a
 * copy that fails (a lost connection, a row PostgreSQL refuses) leaves the target as it was, so running it again
 * starts over. Refuses (`store_not_empty`, nothing written) when any of those tables already has rows in the
 * target: merging two histories (agent versions, the audit trail) has no right answer, so the target must be a
 * fresh `store.schema`.
 */
export async function copyToPostgres(from: SqlStore, to: SqlStore, options: CopyOptions = {}): Promise<CopyReport> {
  if (from.dialect !== "sqlite" || to.dialect !== "postgres")
    throw new StoreError("store_open_failed", "copy-to-postgres copies a SQLite store into a PostgreSQL one");
  const batch = options.batch ?? 500;
  const totals = {} as Record<SharedTable, number>;
  for (const { table } of SHARED_TABLES) totals[table] = await count(from, table);
  return to.transaction(async (tx) => {
    // Under the lock, so two copies started at once cannot both find the target empty.
    await tx.run(`LOCK TABLE ${SHARED_TABLES.map((t) => t.table).join(", ")} IN EXCLUSIVE MODE`);
    const occupied: string[] = [];
    for (const { table } of SHARED_TABLES) {
      const n = await count(tx, table);
      if (n > 0) occupied.push(`${table} (${n})`);
    }
    if (occupied.length > 0)
      throw new StoreError(
        "store_not_empty",
        `${to.where} already has rows in ${occupied.join(", ")}: copy into an empty store.schema (a new name, or drop the schema first); nothing was copied`,
      );
    const tables = {} as Record<SharedTable, number>;
    for (const spec of SHARED_TABLES) {
      tables[spec.table] = await copyTable(from, tx, spec, totals[spec.table], batch, options.progress);
      if ("identity" in spec && tables[spec.table] > 0)
        await tx.run(
          `SELECT setval(pg_get_serial_sequence('${spec.table}', '${spec.identity}'), (SELECT max(${spec.identity}) FROM ${spec.table}))`,
        );
      const landed = await count(tx, spec.table);
      if (landed !== totals[spec.table])
        throw new StoreError(
          "store_copy_failed",
          `${spec.table}: ${totals[spec.table]} rows in ${from.where} when the copy began but ${landed} copied (is a node still writing to it? stop it first); nothing was copied`,
        );
    }
    let secret: CopyReport["secret"] = "none";
    if (options.secret) {
      const { changes } = await tx.run(
        "INSERT INTO console_secret (id, secret, created_at) VALUES (1, ?, ?) ON CONFLICT (id) DO NOTHING",
        [options.secret.toString("hex"), Date.now()],
      );
      secret = changes > 0 ? "copied" : "kept";
    }
    return { tables, secret };
  });
}

async function count(on: SqlExecutor, table: string): Promise<number> {
  return (await on.get<{ n: number }>(`SELECT count(*) AS n FROM ${table}`))?.n ?? 0;
}

/** Reads the source in rowid order, a batch at a time, and inserts each batch with one multi-row INSERT. */
async function copyTable(
  from: SqlStore,
  tx: SqlExecutor,
  spec: (typeof SHARED_TABLES)[number],
  total: number,
  batch: number,
  progress: CopyOptions["progress"],
): Promise<number> {
  const columns = spec.columns.join(", ");
  const row = `(${spec.columns.map(() => "?").join(", ")})`;
  let after = 0;
  let copied = 0;
  for (;;) {
    const rows = await from.all<Record<string, SqlValue>>(
      `SELECT rowid AS _rowid, ${columns} FROM ${spec.table} WHERE rowid > ? ORDER BY rowid LIMIT ?`,
      [after, batch],
    );
    if (rows.length === 0) break;
    const params = rows.flatMap((r) => spec.columns.map((c) => r[c] ?? null));
    await tx.run(`INSERT INTO ${spec.table} (${columns}) VALUES ${rows.map(() => row).join(", ")}`, params);
    copied += rows.length;
    after = rows[rows.length - 1]?.["_rowid"] as number;
    progress?.(spec.table, copied, total);
  }
  if (copied === 0) progress?.(spec.table, 0, total);
  return copied;
}
