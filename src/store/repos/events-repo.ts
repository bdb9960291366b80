import type { Database, Statement } from "better-sqlite3";

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
  id: r.id,
  type: r.type,
  subject: r.subject,
  data: JSON.parse(r.data) as unknown,
  createdAt: r.created_at,
});

/** The `events` table: append-only domain events. */
export class EventsRepo {
  private readonly insertStmt: Statement<[string, string | null, string, number], EventRow>;
  private readonly sinceStmt: Statement<[number, number], EventRow>;
  private readonly bySubjectStmt: Statement<[string, number], EventRow>;
  private readonly getStmt: Statement<[number], EventRow>;
  private readonly latestStmt: Statement<[], { id: number | null }>;

  constructor(db: Database) {
    this.insertStmt = db.prepare(
      "INSERT INTO events (type, subject, data, created_at) VALUES (?, ?, ?, ?) RETURNING *",
    );
    this.sinceStmt = db.prepare("SELECT * FROM events WHERE id > ? ORDER BY id LIMIT ?");
    this.bySubjectStmt = db.prepare("SELECT * FROM events WHERE subject = ? ORDER BY id LIMIT ?");
    this.getStmt = db.prepare("SELECT * FROM events WHERE id = ?");
    this.latestStmt = db.prepare("SELECT max(id) AS id FROM events");
  }

  insert(type: string, subject: string | null, data: unknown, now: number): EventRecord {
    return toRecord(this.insertStmt.get(type, subject, JSON.stringify(data ?? null), now) as EventRow);
  }

  /** Events after `afterId`, oldest first (SSE resume, webhook catch-up). */
  since(afterId: number, limit = 500): EventRecord[] {
    return this.sinceStmt.all(afterId, limit).map(toRecord);
  }

  bySubject(subject: string, limit = 200): EventRecord[] {
    return this.bySubjectStmt.all(subject, limit).map(toRecord);
  }

  get(id: number): EventRecord | null {
    const r = this.getStmt.get(id);
    return r ? toRecord(r) : null;
  }

  /** The id of the newest event, 0 when there is none (where a live-only SSE stream starts). */
  latestId(): number {
    return this.latestStmt.get()?.id ?? 0;
  }
}
