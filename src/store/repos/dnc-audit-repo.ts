import type { Database, Statement } from "better-sqlite3";

/** One change to the do-not-call list (`dnc_audit`): who added or removed a number, when and why. */
export interface DncAuditRecord {
  id: number;
  number: string;
  action: "added" | "removed";
  source: string;
  actor: string;
  reason: string | null;
  notificationId: number | null;
  campaignId: number | null;
  createdAt: number;
}

export type NewDncAudit = Omit<DncAuditRecord, "id">;

export interface ListDncAudit {
  /** Only this number's history. */
  number?: string | undefined;
  /** Only these sources (the opt-out log is `opt-out-dtmf` and `opt-out-speech`). */
  sources?: readonly string[] | undefined;
  /** Ids below this (the previous page's last id). */
  before?: number | undefined;
  limit: number;
}

type Row = Record<string, unknown>;
const toRecord = (r: Row): DncAuditRecord => ({
  id: r.id as number,
  number: r.number as string,
  action: r.action as DncAuditRecord["action"],
  source: r.source as string,
  actor: r.actor as string,
  reason: r.reason as string | null,
  notificationId: r.notification_id as number | null,
  campaignId: r.campaign_id as number | null,
  createdAt: r.created_at as number,
});

/** The `dnc_audit` table: appended to by every change of the list, never updated. */
export class DncAuditRepo {
  private readonly s: Record<"add" | "list", Statement>;

  constructor(db: Database) {
    this.s = {
      add: db.prepare(`INSERT INTO dnc_audit (number, action, source, actor, reason, notification_id, campaign_id, created_at)
        VALUES (@number, @action, @source, @actor, @reason, @notificationId, @campaignId, @createdAt)`),
      // The source filter is a JSON array, so one fixed statement serves every filter.
      list: db.prepare(`SELECT * FROM dnc_audit WHERE id < @before AND (@number IS NULL OR number = @number)
        AND (@sources IS NULL OR source IN (SELECT value FROM json_each(@sources))) ORDER BY id DESC LIMIT @limit`),
    };
  }

  add(a: NewDncAudit): void {
    this.s.add.run(a);
  }

  /** Newest first. */
  list(o: ListDncAudit): DncAuditRecord[] {
    return (
      this.s.list.all({
        before: o.before ?? Number.MAX_SAFE_INTEGER,
        number: o.number ?? null,
        sources: o.sources ? JSON.stringify(o.sources) : null,
        limit: o.limit,
      }) as Row[]
    ).map(toRecord);
  }
}
