import type { SqlExecutor, SqlStore } from "../sql/port.js";

export interface EventRecord {
  id: number;
  type: string;
  subject: string | null;
  data: unknown;
  createdAt: number;
}

interface EventRow {
  id: number;
  type: string;
  subject: string | null;
  data: string;
  created_at: number;
}

const toRecord = (r: EventRow): EventRecord => ({
  id: Number(r.id),
  type: r.type,
  subject: r.subject,
  data: JSON.parse(r.data) as unknown,
  createdAt: Number(r.created_at),
});

const INSERT = "INSERT INTO events (type, subject, data, created_at) VALUES (?, ?, ?, ?) RETURNING *";

/**
 * PostgreSQL hands out identity values when a row is inserted, not when it commits: without this lock, a reader
 * could see id 12 committed, move its cursor there, and never read id 11 committing a moment later. Appending under
 * one transaction-scoped lock per schema (two int4 keys: a space of their own, apart from the migration lock's
 * bigint) makes ids commit in order. Events are few (domain events, not media), so serialising appends costs nothing
 * that matters. SQLite has one writer at a time, so its ids commit in order already.
 */
const APPEND_LOCK = "SELECT pg_advisory_xact_lock(hashtext('parley.events'), hashtext(current_schema())) AS locked";

/** The `events` table: append-only domain events, one log for every node with store.url. */
export class EventsRepo {
  constructor(private readonly sql: SqlStore) {}

  /**
   * Appends an event; inside the caller's transaction when `tx` is given (then, on PostgreSQL, the append lock is
   * held until that transaction ends, and the event is visible to readers once it commits).
   */
  async insert(
    type: string,
    subject: string | null,
    data: unknown,
    now: number,
    tx?: SqlExecutor,
  ): Promise<EventRecord> {
    const params = [type, subject, JSON.stringify(data ?? null), now];
    const append = async (on: SqlExecutor): Promise<EventRecord> => {
      if (this.sql.dialect === "postgres") await on.get(APPEND_LOCK);
      return toRecord((await on.get<EventRow>(INSERT, params)) as EventRow);
    };
    if (tx) return append(tx);
    // One statement on SQLite; on PostgreSQL the lock needs a transaction of its own.
    return this.sql.dialect === "sqlite" ? append(this.sql) : this.sql.transaction(append);
  }

  /** Events after `afterId`, oldest first (SSE resume, webhook catch-up). */
  async since(afterId: number, limit = 500): Promise<EventRecord[]> {
    const rows = await this.sql.all<EventRow>("SELECT * FROM events WHERE id > ? ORDER BY id LIMIT ?", [
      afterId,
      limit,
    ]);
    return rows.map(toRecord);
  }

  async bySubject(subject: string, limit = 200): Promise<EventRecord[]> {
    const rows = await this.sql.all<EventRow>("SELECT * FROM events WHERE subject = ? ORDER BY id LIMIT ?", [
      subject,
      limit,
    ]);
    return rows.map(toRecord);
  }

  async get(id: number): Promise<EventRecord | null> {
    const r = await this.sql.get<EventRow>("SELECT * FROM events WHERE id = ?", [id]);
    return r ? toRecord(r) : null;
  }

  /** The id of the newest event, 0 when there is none (where a live-only SSE stream starts). */
  async latestId(): Promise<number> {
    const r = await this.sql.get<{ id: number | string | null }>("SELECT max(id) AS id FROM events");
    return Number(r?.id ?? 0);
  }
}
