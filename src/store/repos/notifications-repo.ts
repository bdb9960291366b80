import type { Database, Statement } from "better-sqlite3";
import type { Menu, WindowSpec } from "../records/outbound.js";

export const notificationStatuses = [
  "pending",
  "scheduled",
  "calling",
  "completed",
  "failed",
  "rejected_dnc",
  "cancelled",
] as const;
export type NotificationStatus = (typeof notificationStatuses)[number];
/** Statuses a notification never leaves. */
export const finalStatuses: readonly NotificationStatus[] = ["completed", "failed", "rejected_dnc", "cancelled"];

/** A `notifications` row. */
export interface NotificationRecord {
  id: number;
  campaignId: number | null;
  rowNo: number | null;
  to: string;
  agent: string;
  templateId: number | null;
  text: string;
  variables: Record<string, string>;
  menu: Menu | null;
  disclosure: string | null;
  window: WindowSpec | null;
  timeZone: string;
  amd: boolean;
  status: NotificationStatus;
  outcome: string | null;
  choice: string | null;
  digits: string | null;
  attempts: number;
  nextAttemptAt: number | null;
  scheduleSeq: number;
  jobId: number | null;
  lastCallId: number | null;
  idempotencyKey: string | null;
  error: string | null;
  createdAt: number;
  updatedAt: number;
  finishedAt: number | null;
}

export type NewNotification = Pick<
  NotificationRecord,
  | "campaignId"
  | "rowNo"
  | "to"
  | "agent"
  | "templateId"
  | "text"
  | "variables"
  | "menu"
  | "disclosure"
  | "window"
  | "timeZone"
  | "amd"
  | "status"
  | "nextAttemptAt"
  | "idempotencyKey"
>;

type Row = Record<string, unknown>;
const json = <T>(v: unknown): T | null => (v === null || v === undefined ? null : (JSON.parse(v as string) as T));

export function toNotification(r: Row): NotificationRecord {
  return {
    id: r.id as number,
    campaignId: r.campaign_id as number | null,
    rowNo: r.row_no as number | null,
    to: r.to_number as string,
    agent: r.agent as string,
    templateId: r.template_id as number | null,
    text: r.text as string,
    variables: json<Record<string, string>>(r.variables) ?? {},
    menu: json<Menu>(r.menu),
    disclosure: r.disclosure as string | null,
    window: json<WindowSpec>(r.window_spec),
    timeZone: r.time_zone as string,
    amd: r.amd === 1,
    status: r.status as NotificationStatus,
    outcome: r.outcome as string | null,
    choice: r.choice as string | null,
    digits: r.digits as string | null,
    attempts: r.attempts as number,
    nextAttemptAt: r.next_attempt_at as number | null,
    scheduleSeq: r.schedule_seq as number,
    jobId: r.job_id as number | null,
    lastCallId: r.last_call_id as number | null,
    idempotencyKey: r.idempotency_key as string | null,
    error: r.error as string | null,
    createdAt: r.created_at as number,
    updatedAt: r.updated_at as number,
    finishedAt: r.finished_at as number | null,
  };
}

export interface ListNotifications {
  status?: readonly NotificationStatus[] | undefined;
  campaignId?: number | undefined;
  to?: string | undefined;
  /** Ids below this (the previous page's last id). */
  before?: number | undefined;
  limit: number;
}

/** The `notifications` table: single rows; campaign-wide queries are in CampaignRecipientsRepo. */
export class NotificationsRepo {
  private readonly s: Record<"insert" | "get" | "byKey" | "update", Statement>;

  constructor(private readonly db: Database) {
    this.s = {
      insert:
        db.prepare(`INSERT INTO notifications (campaign_id, row_no, to_number, agent, template_id, text, variables, menu, disclosure, window_spec, time_zone, amd,
          status, outcome, next_attempt_at, idempotency_key, created_at, updated_at, finished_at)
        VALUES (@campaignId, @rowNo, @to, @agent, @templateId, @text, @variables, @menu, @disclosure, @window, @timeZone, @amd,
          @status, CASE WHEN @status = 'rejected_dnc' THEN 'rejected_dnc' END, @nextAttemptAt, @idempotencyKey, @now, @now, CASE WHEN @status IN ('completed', 'failed', 'rejected_dnc', 'cancelled') THEN @now END)
        RETURNING *`),
      get: db.prepare("SELECT * FROM notifications WHERE id = ?"),
      byKey: db.prepare("SELECT * FROM notifications WHERE idempotency_key = ?"),
      update:
        db.prepare(`UPDATE notifications SET status = @status, outcome = @outcome, choice = @choice, digits = @digits, attempts = @attempts,
          next_attempt_at = @nextAttemptAt, schedule_seq = @scheduleSeq, job_id = @jobId, last_call_id = @lastCallId, error = @error,
          updated_at = @now, finished_at = CASE WHEN @status IN ('completed', 'failed', 'rejected_dnc', 'cancelled') THEN coalesce(finished_at, @now) END
        WHERE id = @id RETURNING *`),
    };
  }

  insert(n: NewNotification, now: number): NotificationRecord {
    return toNotification(this.s.insert.get(params(n, now)) as Row);
  }

  /** Inserts many rows in one transaction (a campaign upload); returns their ids in order. */
  insertMany(rows: readonly NewNotification[], now: number): number[] {
    return this.db.transaction(() => rows.map((n) => (this.s.insert.get(params(n, now)) as Row).id as number))();
  }

  get(id: number): NotificationRecord | null {
    const r = this.s.get.get(id) as Row | undefined;
    return r ? toNotification(r) : null;
  }

  byKey(key: string): NotificationRecord | null {
    const r = this.s.byKey.get(key) as Row | undefined;
    return r ? toNotification(r) : null;
  }

  /** Writes the changing fields of a row; returns the stored row. */
  update(
    id: number,
    patch: Partial<
      Pick<
        NotificationRecord,
        | "status"
        | "outcome"
        | "choice"
        | "digits"
        | "attempts"
        | "nextAttemptAt"
        | "scheduleSeq"
        | "jobId"
        | "lastCallId"
        | "error"
      >
    >,
    now: number,
  ): NotificationRecord {
    const current = this.get(id);
    if (!current) throw new Error(`notification ${id} is gone`);
    const next = { ...current, ...patch };
    return toNotification(
      this.s.update.get({
        id,
        status: next.status,
        outcome: next.outcome,
        choice: next.choice,
        digits: next.digits,
        attempts: next.attempts,
        nextAttemptAt: next.nextAttemptAt,
        scheduleSeq: next.scheduleSeq,
        jobId: next.jobId,
        lastCallId: next.lastCallId,
        error: next.error,
        now,
      }) as Row,
    );
  }

  /** Newest first, filtered. */
  list(o: ListNotifications): NotificationRecord[] {
    const where: string[] = ["id < @before"];
    const p: Record<string, unknown> = { before: o.before ?? Number.MAX_SAFE_INTEGER, limit: o.limit };
    if (o.status?.length) {
      where.push(`status IN (${o.status.map((_, i) => `@s${i}`).join(", ")})`);
      o.status.forEach((s, i) => (p[`s${i}`] = s));
    }
    if (o.campaignId !== undefined) {
      where.push("campaign_id = @campaignId");
      p.campaignId = o.campaignId;
    }
    if (o.to !== undefined) {
      where.push("to_number = @to");
      p.to = o.to;
    }
    const sql = `SELECT * FROM notifications WHERE ${where.join(" AND ")} ORDER BY id DESC LIMIT @limit`;
    return (this.db.prepare(sql).all(p) as Row[]).map(toNotification);
  }

  /** Runs `fn` in one write transaction (BEGIN IMMEDIATE): check-then-set on a row without a race between processes. */
  atomically<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate();
  }
}

function params(n: NewNotification, now: number): Record<string, unknown> {
  return {
    campaignId: n.campaignId,
    rowNo: n.rowNo,
    to: n.to,
    agent: n.agent,
    templateId: n.templateId,
    text: n.text,
    variables: JSON.stringify(n.variables),
    menu: n.menu ? JSON.stringify(n.menu) : null,
    disclosure: n.disclosure,
    window: n.window ? JSON.stringify(n.window) : null,
    timeZone: n.timeZone,
    amd: n.amd ? 1 : 0,
    status: n.status,
    nextAttemptAt: n.nextAttemptAt,
    idempotencyKey: n.idempotencyKey,
    now,
  };
}
