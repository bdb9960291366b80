import type { SqlExecutor } from "../sql/port.js";
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

const isFinal = (s: NotificationStatus) => finalStatuses.includes(s);

const INSERT = `INSERT INTO notifications (campaign_id, row_no, to_number, agent, template_id, text, variables, menu, disclosure,
    window_spec, time_zone, amd, status, outcome, next_attempt_at, idempotency_key, created_at, updated_at, finished_at)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *`;

/**
 * The `notifications` table, on the SQL port (shared by the nodes with `store.url`): single rows; campaign-wide
 * queries are in CampaignRecipientsRepo. Check-then-set changes run in a transaction of the notify context.
 */
export class NotificationsRepo {
  constructor(private readonly sql: SqlExecutor) {}

  async insert(n: NewNotification, now: number): Promise<NotificationRecord> {
    return toNotification((await this.sql.get<Row>(INSERT, params(n, now)))!);
  }

  /** Inserts many rows (a campaign upload; the caller's transaction makes them one write); their ids in order. */
  async insertMany(rows: readonly NewNotification[], now: number): Promise<number[]> {
    const ids: number[] = [];
    for (const n of rows) ids.push((await this.sql.get<Row>(INSERT, params(n, now)))!.id as number);
    return ids;
  }

  async get(id: number): Promise<NotificationRecord | null> {
    const r = await this.sql.get<Row>("SELECT * FROM notifications WHERE id = ?", [id]);
    return r ? toNotification(r) : null;
  }

  async byKey(key: string): Promise<NotificationRecord | null> {
    const r = await this.sql.get<Row>("SELECT * FROM notifications WHERE idempotency_key = ?", [key]);
    return r ? toNotification(r) : null;
  }

  /** Writes the changing fields of a row; returns the stored row. */
  async update(
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
  ): Promise<NotificationRecord> {
    const current = await this.get(id);
    if (!current) throw new Error(`notification ${id} is gone`);
    const next = { ...current, ...patch };
    const r = await this.sql.get<Row>(
      `UPDATE notifications SET status = ?, outcome = ?, choice = ?, digits = ?, attempts = ?, next_attempt_at = ?,
          schedule_seq = ?, job_id = ?, last_call_id = ?, error = ?, updated_at = ?,
          finished_at = CASE WHEN ? = 1 THEN coalesce(finished_at, ?) END
        WHERE id = ? RETURNING *`,
      [
        next.status,
        next.outcome,
        next.choice,
        next.digits,
        next.attempts,
        next.nextAttemptAt,
        next.scheduleSeq,
        next.jobId,
        next.lastCallId,
        next.error,
        now,
        isFinal(next.status) ? 1 : 0,
        now,
        id,
      ],
    );
    if (!r) throw new Error(`notification ${id} is gone`);
    return toNotification(r);
  }

  /** Newest first, filtered. */
  async list(o: ListNotifications): Promise<NotificationRecord[]> {
    const where: string[] = ["id < ?"];
    const p: (string | number)[] = [o.before ?? Number.MAX_SAFE_INTEGER];
    if (o.status?.length) {
      where.push(`status IN (${o.status.map(() => "?").join(", ")})`);
      p.push(...o.status);
    }
    if (o.campaignId !== undefined) {
      where.push("campaign_id = ?");
      p.push(o.campaignId);
    }
    if (o.to !== undefined) {
      where.push("to_number = ?");
      p.push(o.to);
    }
    const rows = await this.sql.all<Row>(
      `SELECT * FROM notifications WHERE ${where.join(" AND ")} ORDER BY id DESC LIMIT ?`,
      [...p, o.limit],
    );
    return rows.map(toNotification);
  }
}

function params(n: NewNotification, now: number): (string | number | null)[] {
  return [
    n.campaignId,
    n.rowNo,
    n.to,
    n.agent,
    n.templateId,
    n.text,
    JSON.stringify(n.variables),
    n.menu ? JSON.stringify(n.menu) : null,
    n.disclosure,
    n.window ? JSON.stringify(n.window) : null,
    n.timeZone,
    n.amd ? 1 : 0,
    n.status,
    n.status === "rejected_dnc" ? "rejected_dnc" : null,
    n.nextAttemptAt,
    n.idempotencyKey,
    now,
    now,
    isFinal(n.status) ? now : null,
  ];
}
