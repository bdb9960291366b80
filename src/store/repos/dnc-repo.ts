import type { SqlExecutor, SqlStore } from "../sql/port.js";

/** A do-not-call entry. */
export interface DncEntry {
  number: string;
  source: string;
  reason: string | null;
  createdAt: number;
}

interface Row {
  number: string;
  source: string;
  reason: string | null;
  created_at: number;
}

const toEntry = (r: Row): DncEntry => ({
  number: r.number,
  source: r.source,
  reason: r.reason,
  createdAt: r.created_at,
});

/**
 * The `dnc_numbers` table. On the SQL port: with `store.url` the nodes share one list, so a number listed on one
 * node is refused by every node's dial. Writes take the executor of the caller's transaction (`on`), so that a
 * change and its audit row commit together.
 */
export class DncRepo {
  constructor(private readonly sql: SqlStore) {}

  /** Adds a number; false when it was already listed (the first entry is kept). */
  async add(
    number: string,
    source: string,
    reason: string | null,
    now: number,
    on: SqlExecutor = this.sql,
  ): Promise<boolean> {
    const { changes } = await on.run(
      "INSERT INTO dnc_numbers (number, source, reason, created_at) VALUES (?, ?, ?, ?) ON CONFLICT (number) DO NOTHING",
      [number, source, reason, now],
    );
    return changes > 0;
  }

  async get(number: string, on: SqlExecutor = this.sql): Promise<DncEntry | null> {
    const r = await on.get<Row>("SELECT * FROM dnc_numbers WHERE number = ?", [number]);
    return r ? toEntry(r) : null;
  }

  async remove(number: string, on: SqlExecutor = this.sql): Promise<boolean> {
    return (await on.run("DELETE FROM dnc_numbers WHERE number = ?", [number])).changes > 0;
  }

  /** In number order, after `after`, optionally only numbers starting with `prefix` (digits and a leading +). */
  async list(o: { after?: string | undefined; prefix?: string | undefined; limit: number }): Promise<DncEntry[]> {
    // Two fixed statements rather than `? IS NULL OR ...`: PostgreSQL cannot type a parameter only tested for NULL.
    const rows = o.prefix
      ? await this.sql.all<Row>(
          "SELECT * FROM dnc_numbers WHERE number > ? AND number LIKE ? ORDER BY number LIMIT ?",
          [o.after ?? "", `${o.prefix.replace(/[%_\\]/g, "")}%`, o.limit],
        )
      : await this.sql.all<Row>("SELECT * FROM dnc_numbers WHERE number > ? ORDER BY number LIMIT ?", [
          o.after ?? "",
          o.limit,
        ]);
    return rows.map(toEntry);
  }

  async count(): Promise<number> {
    return (await this.sql.get<{ n: number }>("SELECT count(*) AS n FROM dnc_numbers"))?.n ?? 0;
  }
}
