import type { Database, Statement } from "better-sqlite3";
import { toNotification, type NotificationRecord, type NotificationStatus } from "./notifications-repo.js";

/** Campaign-wide questions over `notifications`: counts for progress, the next recipient due, open rows to cancel. */
export class CampaignRecipientsRepo {
  private readonly s: Record<
    | "statusCounts"
    | "outcomeCounts"
    | "nextDue"
    | "nextPendingAt"
    | "open"
    | "cancelOpen"
    | "page"
    | "numbers"
    | "columns",
    Statement
  >;

  constructor(db: Database) {
    this.s = {
      statusCounts: db.prepare("SELECT status, count(*) AS n FROM notifications WHERE campaign_id = ? GROUP BY status"),
      outcomeCounts: db.prepare(
        "SELECT outcome, count(*) AS n FROM notifications WHERE campaign_id = ? AND outcome IS NOT NULL GROUP BY outcome",
      ),
      nextDue:
        db.prepare(`SELECT * FROM notifications WHERE campaign_id = @id AND status = 'pending' AND coalesce(next_attempt_at, 0) <= @now
        ORDER BY coalesce(next_attempt_at, 0), row_no, id LIMIT 1`),
      nextPendingAt: db.prepare(
        "SELECT min(coalesce(next_attempt_at, 0)) AS at FROM notifications WHERE campaign_id = ? AND status = 'pending'",
      ),
      open: db.prepare("SELECT * FROM notifications WHERE campaign_id = ? AND status IN ('scheduled', 'calling')"),
      cancelOpen: db.prepare(`UPDATE notifications SET status = 'cancelled', updated_at = @now, finished_at = @now
        WHERE campaign_id = @id AND status IN ('pending', 'scheduled')`),
      page: db.prepare("SELECT * FROM notifications WHERE campaign_id = @id AND id > @after ORDER BY id LIMIT @limit"),
      numbers: db.prepare("SELECT to_number AS n FROM notifications WHERE campaign_id = ?"),
      columns: db.prepare(
        "SELECT DISTINCT j.key AS k FROM notifications n, json_each(n.variables) j WHERE n.campaign_id = ? ORDER BY j.key",
      ),
    };
  }

  /** Recipients per status (every status present, zero when none). */
  statusCounts(campaignId: number): Record<NotificationStatus, number> {
    const out: Record<NotificationStatus, number> = {
      pending: 0,
      scheduled: 0,
      calling: 0,
      completed: 0,
      failed: 0,
      rejected_dnc: 0,
      cancelled: 0,
    };
    for (const r of this.s.statusCounts.all(campaignId) as { status: NotificationStatus; n: number }[])
      out[r.status] = r.n;
    return out;
  }

  /** Recipients per last outcome. */
  outcomeCounts(campaignId: number): Record<string, number> {
    return Object.fromEntries(
      (this.s.outcomeCounts.all(campaignId) as { outcome: string; n: number }[]).map((r) => [r.outcome, r.n]),
    );
  }

  /** The pending recipient due first (retries by their time, new ones in upload order). */
  nextDue(campaignId: number, now: number): NotificationRecord | null {
    const r = this.s.nextDue.get({ id: campaignId, now }) as Record<string, unknown> | undefined;
    return r ? toNotification(r) : null;
  }

  /** When the earliest pending recipient becomes due; null when none is pending. */
  nextPendingAt(campaignId: number): number | null {
    return (this.s.nextPendingAt.get(campaignId) as { at: number | null }).at;
  }

  /** Recipients whose delivery is queued or on the line. */
  open(campaignId: number): NotificationRecord[] {
    return (this.s.open.all(campaignId) as Record<string, unknown>[]).map(toNotification);
  }

  /** Cancels every recipient not yet on the line; returns how many. */
  cancelWaiting(campaignId: number, now: number): number {
    return this.s.cancelOpen.run({ id: campaignId, now }).changes;
  }

  /** Recipients in upload order, a page at a time (results export). */
  page(campaignId: number, afterId: number, limit: number): NotificationRecord[] {
    return (this.s.page.all({ id: campaignId, after: afterId, limit }) as Record<string, unknown>[]).map(
      toNotification,
    );
  }

  /** Every variable name the campaign's recipients carry (template variables and extra upload columns). */
  columns(campaignId: number): string[] {
    return (this.s.columns.all(campaignId) as { k: string }[]).map((r) => r.k);
  }

  /** Numbers already in the campaign (duplicate check on upload). */
  numbers(campaignId: number): Set<string> {
    return new Set((this.s.numbers.all(campaignId) as { n: string }[]).map((r) => r.n));
  }
}
