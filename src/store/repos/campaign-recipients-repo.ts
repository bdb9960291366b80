import type { SqlDialect, SqlExecutor } from "../sql/port.js";
import { toNotification, type NotificationRecord, type NotificationStatus } from "./notifications-repo.js";

type Row = Record<string, unknown>;

/**
 * Campaign-wide questions over `notifications`, on the SQL port: counts for progress, the next recipient due, open
 * rows to cancel.
 */
export class CampaignRecipientsRepo {
  constructor(
    private readonly sql: SqlExecutor,
    private readonly dialect: SqlDialect,
  ) {}

  /** Recipients per status (every status present, zero when none). */
  async statusCounts(campaignId: number): Promise<Record<NotificationStatus, number>> {
    const out: Record<NotificationStatus, number> = {
      pending: 0,
      scheduled: 0,
      calling: 0,
      completed: 0,
      failed: 0,
      rejected_dnc: 0,
      cancelled: 0,
    };
    const rows = await this.sql.all<{ status: NotificationStatus; n: number }>(
      "SELECT status, count(*) AS n FROM notifications WHERE campaign_id = ? GROUP BY status",
      [campaignId],
    );
    for (const r of rows) out[r.status] = r.n;
    return out;
  }

  /** Recipients per last outcome. */
  async outcomeCounts(campaignId: number): Promise<Record<string, number>> {
    const rows = await this.sql.all<{ outcome: string; n: number }>(
      "SELECT outcome, count(*) AS n FROM notifications WHERE campaign_id = ? AND outcome IS NOT NULL GROUP BY outcome",
      [campaignId],
    );
    return Object.fromEntries(rows.map((r) => [r.outcome, r.n]));
  }

  /** The pending recipient due first (retries by their time, new ones in upload order). */
  async nextDue(campaignId: number, now: number): Promise<NotificationRecord | null> {
    const r = await this.sql.get<Row>(
      `SELECT * FROM notifications WHERE campaign_id = ? AND status = 'pending' AND coalesce(next_attempt_at, 0) <= ?
        ORDER BY coalesce(next_attempt_at, 0), row_no, id LIMIT 1`,
      [campaignId, now],
    );
    return r ? toNotification(r) : null;
  }

  /** When the earliest pending recipient becomes due; null when none is pending. */
  async nextPendingAt(campaignId: number): Promise<number | null> {
    const r = await this.sql.get<{ at: number | null }>(
      "SELECT min(coalesce(next_attempt_at, 0)) AS at FROM notifications WHERE campaign_id = ? AND status = 'pending'",
      [campaignId],
    );
    return r?.at ?? null;
  }

  /** Recipients whose delivery is queued or on the line. */
  async open(campaignId: number): Promise<NotificationRecord[]> {
    const rows = await this.sql.all<Row>(
      "SELECT * FROM notifications WHERE campaign_id = ? AND status IN ('scheduled', 'calling')",
      [campaignId],
    );
    return rows.map(toNotification);
  }

  /** Cancels every recipient not yet on the line; returns how many. */
  async cancelWaiting(campaignId: number, now: number): Promise<number> {
    const r = await this.sql.run(
      `UPDATE notifications SET status = 'cancelled', updated_at = ?, finished_at = ?
        WHERE campaign_id = ? AND status IN ('pending', 'scheduled')`,
      [now, now, campaignId],
    );
    return r.changes;
  }

  /** Recipients in upload order, a page at a time (results export). */
  async page(campaignId: number, afterId: number, limit: number): Promise<NotificationRecord[]> {
    const rows = await this.sql.all<Row>(
      "SELECT * FROM notifications WHERE campaign_id = ? AND id > ? ORDER BY id LIMIT ?",
      [campaignId, afterId, limit],
    );
    return rows.map(toNotification);
  }

  /** Every variable name the campaign's recipients carry (template variables and extra upload columns). */
  async columns(campaignId: number): Promise<string[]> {
    // The one statement that differs: each engine's own way to list a JSON object's keys (in byte order on both:
    // COLLATE "C" on PostgreSQL, whose default collation would sort "Alpha" after "alpha").
    const sql =
      this.dialect === "postgres"
        ? `SELECT k FROM (SELECT DISTINCT jsonb_object_keys(variables::jsonb) AS k FROM notifications WHERE campaign_id = ?) keys
            ORDER BY k COLLATE "C"`
        : "SELECT DISTINCT j.key AS k FROM notifications n, json_each(n.variables) j WHERE n.campaign_id = ? ORDER BY j.key";
    return (await this.sql.all<{ k: string }>(sql, [campaignId])).map((r) => r.k);
  }

  /** Numbers already in the campaign (duplicate check on upload). */
  async numbers(campaignId: number): Promise<Set<string>> {
    const rows = await this.sql.all<{ n: string }>("SELECT to_number AS n FROM notifications WHERE campaign_id = ?", [
      campaignId,
    ]);
    return new Set(rows.map((r) => r.n));
  }
}
