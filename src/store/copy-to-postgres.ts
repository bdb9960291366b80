import type { SqlExecutor, SqlStore, SqlValue } from "./sql/port.js";
import { SHARED_TABLES, type SharedTable } from "./copy-tables.js";
import { StoreError } from "./errors.js";

export { SHARED_TABLES, type SharedTable } from "./copy-tables.js";

export interface CopyReport {
  /** Rows copied per table (equal to the source's, checked before the commit). */
  tables: Record<SharedTable, number>;
  /** The console's cookie-signing secret: copied from the node's file, kept (the store had one), or none to copy. */
  secret: "copied" | "kept" | "none";
  /** Recording paths (audio_blobs.path, calls.recording_path) moved from the node's folder into files.dir. */
  pathsMoved: number;
  /** Unfinished jobs of the node's own queue, left behind (only with `leaveJobs`), by kind. */
  jobsLeft: Record<string, number>;
}

/** A folder prefix of the recordings' paths to rewrite: the node's `<dataDir>/audio` to `<files.dir>/audio`... */
export interface PathMove {
  from: string;
  to: string;
}

export interface CopyOptions {
  /** The node's `<dataDir>/console-secret`, when it has one: copied so that its console sessions stay valid. */
  secret?: Buffer | null;
  /** Called after each batch (and once per table at its end) with the rows copied so far. */
  progress?: (table: SharedTable, copied: number, total: number) => void;
  /** Rows per INSERT (default 500). */
  batch?: number;
  /** Where the recordings move to (the nodes read them from files.dir): the paths in the rows are rewritten. */
  movePaths?: readonly PathMove[];
  /**
   * Copy even though the node's queue has unfinished jobs (they are not carried over: the work they stand for, a
   * queued voicemail, a scheduled callback, a running campaign's ticks, does not go on by itself on PostgreSQL).
   */
  leaveJobs?: boolean;
}

/**
 * Copies the shared tables of a node's SQLite store `from` into the PostgreSQL store `to`, ids and all, in one
 * transaction: a copy that fails (a lost connection, a row PostgreSQL refuses) leaves the target as it was, so
 * running it again starts over. Refuses (`store_not_empty`, nothing written) when any of those tables already has
 * rows in the target: merging two histories (ids, agent versions, the audit trail) has no right answer, so the
 * target must be a fresh `store.schema`; a second run after a successful one is refused the same way, and adds
 * nothing. Refuses (`store_jobs_unfinished`) a node whose queue still holds work, unless `leaveJobs`.
 */
export async function copyToPostgres(from: SqlStore, to: SqlStore, options: CopyOptions = {}): Promise<CopyReport> {
  if (from.dialect !== "sqlite" || to.dialect !== "postgres")
    throw new StoreError("store_open_failed", "copy-to-postgres copies a SQLite store into a PostgreSQL one");
  const batch = options.batch ?? 500;
  const jobsLeft = await unfinishedJobs(from);
  if (Object.keys(jobsLeft).length > 0 && !options.leaveJobs)
    throw new StoreError(
      "store_jobs_unfinished",
      `${from.where} still has unfinished jobs (${describeJobs(jobsLeft)}): they are not copied, so the work they stand for would stop. Let the node finish them (GET /v1/jobs lists them), or pass --leave-jobs to copy anyway and leave them behind; nothing was copied`,
    );
  const totals = {} as Record<SharedTable, number>;
  const columns = {} as Record<SharedTable, string[]>;
  for (const { table } of SHARED_TABLES) {
    totals[table] = await count(from, table);
    columns[table] = (await from.all<{ name: string }>("SELECT name FROM pragma_table_info(?)", [table])).map(
      (c) => c.name,
    );
  }
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
    // Each turn inserted would rebuild its call's search document (migration 004's trigger): built once per call
    // below instead. ALTER TABLE is transactional: a failed copy leaves the trigger on.
    await tx.run("ALTER TABLE call_turns DISABLE TRIGGER call_turns_search");
    const tables = {} as Record<SharedTable, number>;
    for (const spec of SHARED_TABLES) {
      const { table } = spec;
      tables[table] = await copyTable(from, tx, table, columns[table], totals[table], batch, options.progress);
      if ("identity" in spec && tables[table] > 0)
        await tx.run(
          `SELECT setval(pg_get_serial_sequence('${table}', '${spec.identity}'), (SELECT max(${spec.identity}) FROM ${table}))`,
        );
      const landed = await count(tx, table);
      if (landed !== totals[table])
        throw new StoreError(
          "store_copy_failed",
          `${table}: ${totals[table]} rows in ${from.where} when the copy began but ${landed} copied (is a node still writing to it? stop it first); nothing was copied`,
        );
    }
    await tx.run("ALTER TABLE call_turns ENABLE TRIGGER call_turns_search");
    await tx.run("UPDATE calls SET search = call_search_document(id)");
    let pathsMoved = 0;
    for (const move of options.movePaths ?? []) {
      if (move.from === move.to) continue;
      pathsMoved += await movePrefix(tx, "audio_blobs", "path", move);
      pathsMoved += await movePrefix(tx, "calls", "recording_path", move);
    }
    let secret: CopyReport["secret"] = "none";
    if (options.secret) {
      const { changes } = await tx.run(
        "INSERT INTO console_secret (id, secret, created_at) VALUES (1, ?, ?) ON CONFLICT (id) DO NOTHING",
        [options.secret.toString("hex"), Date.now()],
      );
      secret = changes > 0 ? "copied" : "kept";
    }
    return { tables, secret, pathsMoved, jobsLeft };
  });
}

/** "voicemail.process 3, callback.place 1" */
export function describeJobs(jobs: Record<string, number>): string {
  return Object.entries(jobs)
    .map(([kind, n]) => `${kind} ${n}`)
    .join(", ");
}

async function count(on: SqlExecutor, table: string): Promise<number> {
  return (await on.get<{ n: number }>(`SELECT count(*) AS n FROM ${table}`))?.n ?? 0;
}

/** Jobs of the node's SQLite queue still waiting, running or due to retry, by kind. */
async function unfinishedJobs(from: SqlStore): Promise<Record<string, number>> {
  const rows = await from.all<{ kind: string; n: number }>(
    "SELECT kind, count(*) AS n FROM jobs WHERE status IN ('queued', 'running', 'failed') GROUP BY kind ORDER BY kind",
  );
  return Object.fromEntries(rows.map((r) => [r.kind, r.n]));
}

/** Rewrites `column` where it starts with `move.from` + "/" (a path inside that folder, not one merely alike). */
async function movePrefix(tx: SqlExecutor, table: string, column: string, move: PathMove): Promise<number> {
  const from = move.from.replace(/\/+$/, "");
  const to = move.to.replace(/\/+$/, "");
  const { changes } = await tx.run(
    `UPDATE ${table} SET ${column} = ? || substr(${column}, ?) WHERE substr(${column}, 1, ?) = ?`,
    [to, from.length + 1, from.length + 1, `${from}/`],
  );
  return changes;
}

/** Reads the source in rowid order, a batch at a time, and inserts each batch with one multi-row INSERT. */
async function copyTable(
  from: SqlStore,
  tx: SqlExecutor,
  table: SharedTable,
  columns: readonly string[],
  total: number,
  batch: number,
  progress: CopyOptions["progress"],
): Promise<number> {
  const list = columns.join(", ");
  const row = `(${columns.map(() => "?").join(", ")})`;
  // Few columns per row keep a batch's parameters far below PostgreSQL's 65535 (30 columns x 500 rows = 15000).
  let after = 0;
  let copied = 0;
  for (;;) {
    const rows = await from.all<Record<string, SqlValue>>(
      `SELECT rowid AS _rowid, ${list} FROM ${table} WHERE rowid > ? ORDER BY rowid LIMIT ?`,
      [after, batch],
    );
    if (rows.length === 0) break;
    const params = rows.flatMap((r) => columns.map((c) => r[c] ?? null));
    await tx.run(`INSERT INTO ${table} (${list}) VALUES ${rows.map(() => row).join(", ")}`, params);
    copied += rows.length;
    after = rows[rows.length - 1]?.["_rowid"] as number;
    progress?.(table, copied, total);
  }
  if (copied === 0) progress?.(table, 0, total);
  return copied;
}
