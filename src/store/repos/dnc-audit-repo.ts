import type { SqlExecutor, SqlStore, SqlValue } from "../sql/port.js";

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

interface Row {
  id: number;
  number: string;
  action: DncAuditRecord["action"];
  source: string;
  actor: string;
  reason: string | null;
  notification_id: number | null;
  campaign_id: number | null;
  created_at: number;
}

const toRecord = (r: Row): DncAuditRecord => ({
  id: r.id,
  number: r.number,
  action: r.action,
  source: r.source,
  actor: r.actor,
  reason: r.reason,
  notificationId: r.notification_id,
  campaignId: r.campaign_id,
  createdAt: r.created_at,
});

/** The `dnc_audit` table: appended to by every change of the list, never updated. On the SQL port, like the list. */
export class DncAuditRepo {
  constructor(private readonly sql: SqlStore) {}

  async add(a: NewDncAudit, on: SqlExecutor = this.sql): Promise<void> {
    await on.run(
      `INSERT INTO dnc_audit (number, action, source, actor, reason, notification_id, campaign_id, created_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      [a.number, a.action, a.source, a.actor, a.reason, a.notificationId, a.campaignId, a.createdAt],
    );
  }

  /** Newest first. */
  async list(o: ListDncAudit): Promise<DncAuditRecord[]> {
    // The filters are added as plain `?` conditions (no value is spliced in): one form for both engines.
    const where = ["id < ?"];
    const params: SqlValue[] = [o.before ?? Number.MAX_SAFE_INTEGER];
    if (o.number !== undefined) {
      where.push("number = ?");
      params.push(o.number);
    }
    if (o.sources) {
      if (o.sources.length === 0) return [];
      where.push(`source IN (${o.sources.map(() => "?").join(", ")})`);
      params.push(...o.sources);
    }
    const rows = await this.sql.all<Row>(
      `SELECT * FROM dnc_audit WHERE ${where.join(" AND ")} ORDER BY id DESC LIMIT ?`,
      [...params, o.limit],
    );
    return rows.map(toRecord);
  }
}
