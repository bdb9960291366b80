import type { Database, Statement } from "better-sqlite3";

/** A do-not-call entry. */
export interface DncEntry {
  number: string;
  source: string;
  reason: string | null;
  createdAt: number;
}

type Row = Record<string, unknown>;
const toEntry = (r: Row): DncEntry => ({
  number: r.number as string,
  source: r.source as string,
  reason: r.reason as string | null,
  createdAt: r.created_at as number,
});

/** The `dnc_numbers` table. */
export class DncRepo {
  private readonly s: Record<"add" | "get" | "remove" | "list" | "count", Statement>;

  constructor(db: Database) {
    this.s = {
      add: db.prepare(
        "INSERT OR IGNORE INTO dnc_numbers (number, source, reason, created_at) VALUES (@number, @source, @reason, @now)",
      ),
      get: db.prepare("SELECT * FROM dnc_numbers WHERE number = ?"),
      remove: db.prepare("DELETE FROM dnc_numbers WHERE number = ?"),
      list: db.prepare(
        "SELECT * FROM dnc_numbers WHERE number > @after AND (@prefix IS NULL OR number LIKE @prefix || '%') ORDER BY number LIMIT @limit",
      ),
      count: db.prepare("SELECT count(*) AS n FROM dnc_numbers"),
    };
  }

  /** Adds a number; false when it was already listed (the first entry is kept). */
  add(number: string, source: string, reason: string | null, now: number): boolean {
    return this.s.add.run({ number, source, reason, now }).changes > 0;
  }

  get(number: string): DncEntry | null {
    const r = this.s.get.get(number) as Row | undefined;
    return r ? toEntry(r) : null;
  }

  remove(number: string): boolean {
    return this.s.remove.run(number).changes > 0;
  }

  /** In number order, after `after`, optionally only numbers starting with `prefix`. */
  list(o: { after?: string | undefined; prefix?: string | undefined; limit: number }): DncEntry[] {
    return (this.s.list.all({ after: o.after ?? "", prefix: o.prefix ?? null, limit: o.limit }) as Row[]).map(toEntry);
  }

  count(): number {
    return (this.s.count.get() as { n: number }).n;
  }
}
