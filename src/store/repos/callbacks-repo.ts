import type { SqlExecutor } from "../sql/port.js";

export const callbackStatuses = ["upcoming", "calling", "placed", "failed", "cancelled"] as const;
export type CallbackStatus = (typeof callbackStatuses)[number];

/** A `callbacks` row: one promised callback, whatever number of `callback.place` jobs it takes. */
export interface CallbackRecord {
  id: number;
  rootJobId: number;
  /** The job that places (or will place) the next call. */
  jobId: number;
  status: CallbackStatus;
  to: string | null;
  agent: string;
  reason: string;
  source: string | null;
  callId: number | null;
  voicemailId: number | null;
  notificationId: number | null;
  /** The callback.place payload (without runAt): a reschedule queues it again. */
  payload: Record<string, unknown>;
  runAt: number;
  attempts: number;
  lastOutcome: string | null;
  placedCallId: number | null;
  error: string | null;
  createdAt: number;
  updatedAt: number;
  finishedAt: number | null;
}

export type NewCallback = Pick<
  CallbackRecord,
  "rootJobId" | "to" | "agent" | "reason" | "source" | "callId" | "voicemailId" | "notificationId" | "payload" | "runAt"
> & { status?: CallbackStatus };

/** What a settled or moved attempt changes (status decides finished_at). */
export interface CallbackChange {
  status: CallbackStatus;
  jobId?: number;
  runAt?: number;
  attempts?: number;
  lastOutcome?: string | null;
  placedCallId?: number | null;
  error?: string | null;
}

type Row = Record<string, unknown>;
const FINAL: readonly CallbackStatus[] = ["placed", "failed", "cancelled"];

const toCallback = (r: Row): CallbackRecord => ({
  id: r.id as number,
  rootJobId: r.root_job_id as number,
  jobId: r.job_id as number,
  status: r.status as CallbackStatus,
  to: r.to_number as string | null,
  agent: r.agent as string,
  reason: r.reason as string,
  source: r.source as string | null,
  callId: r.call_id as number | null,
  voicemailId: r.voicemail_id as number | null,
  notificationId: r.notification_id as number | null,
  payload: JSON.parse(r.payload as string) as Record<string, unknown>,
  runAt: r.run_at as number,
  attempts: r.attempts as number,
  lastOutcome: r.last_outcome as string | null,
  placedCallId: r.placed_call_id as number | null,
  error: r.error as string | null,
  createdAt: r.created_at as number,
  updatedAt: r.updated_at as number,
  finishedAt: r.finished_at as number | null,
});

const CALLBACK_INSERT = `INSERT INTO callbacks (root_job_id, job_id, status, to_number, agent, reason, source, call_id,
    voicemail_id, notification_id, payload, run_at, created_at, updated_at)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
  ON CONFLICT (root_job_id) DO NOTHING RETURNING *`;

/**
 * The `callbacks` table, on the SQL port (shared by the nodes with `store.url`). Changes are conditional (on the
 * status, and on the job for a task), so a race has one winner, on one node or across several.
 */
export class CallbacksRepo {
  constructor(private readonly sql: SqlExecutor) {}

  /** Adds the callback of a new chain; null when its root job already has one (a repeated enqueue). */
  async insert(c: NewCallback, now: number): Promise<CallbackRecord | null> {
    const r = await this.sql.get<Row>(CALLBACK_INSERT, [
      c.rootJobId,
      c.rootJobId,
      c.status ?? "upcoming",
      c.to,
      c.agent,
      c.reason,
      c.source,
      c.callId,
      c.voicemailId,
      c.notificationId,
      JSON.stringify(c.payload),
      c.runAt,
      now,
      now,
    ]);
    return r ? toCallback(r) : null;
  }

  async get(id: number): Promise<CallbackRecord | null> {
    return this.one("SELECT * FROM callbacks WHERE id = ?", [id]);
  }

  async byRoot(rootJobId: number): Promise<CallbackRecord | null> {
    return this.one("SELECT * FROM callbacks WHERE root_job_id = ?", [rootJobId]);
  }

  /** Newest first. */
  async list(o: {
    status?: CallbackStatus | undefined;
    before?: number | undefined;
    limit: number;
  }): Promise<CallbackRecord[]> {
    const byStatus = o.status !== undefined;
    const rows = await this.sql.all<Row>(
      `SELECT * FROM callbacks WHERE id < ?${byStatus ? " AND status = ?" : ""} ORDER BY id DESC LIMIT ?`,
      [o.before ?? Number.MAX_SAFE_INTEGER, ...(byStatus ? [o.status!] : []), o.limit],
    );
    return rows.map(toCallback);
  }

  /**
   * upcoming -> calling, only for the job the row points at; null when cancelled, rescheduled or settled. (Calling
   * again is allowed: the same job runs again after its worker died, and a job never runs twice at once.)
   */
  async claim(id: number, jobId: number, now: number): Promise<CallbackRecord | null> {
    return this.one(
      `UPDATE callbacks SET status = 'calling', updated_at = ?
        WHERE id = ? AND job_id = ? AND status IN ('upcoming', 'calling') RETURNING *`,
      [now, id, jobId],
    );
  }

  /**
   * Moves a callback from one of `from` to `change.status` (and, with `onJob`, only while it points at that job);
   * null when it is no longer in such a state.
   */
  async change(
    id: number,
    from: readonly CallbackStatus[],
    change: CallbackChange,
    now: number,
    onJob: number | null = null,
  ): Promise<CallbackRecord | null> {
    if (from.length === 0) return null;
    // Fields the change leaves out keep their value: each is set only when named (no typed NULL tricks, which the
    // engines infer differently).
    const sets: string[] = ["status = ?"];
    const p: (string | number | null)[] = [change.status];
    const set = (column: string, value: string | number | null | undefined) => {
      if (value === undefined) return;
      sets.push(`${column} = ?`);
      p.push(value);
    };
    set("job_id", change.jobId);
    set("run_at", change.runAt);
    set("attempts", change.attempts);
    set("last_outcome", change.lastOutcome);
    set("placed_call_id", change.placedCallId);
    set("error", change.error);
    set("updated_at", now);
    set("finished_at", FINAL.includes(change.status) ? now : null);
    const where = [`id = ?`, `status IN (${from.map(() => "?").join(", ")})`];
    p.push(id, ...from);
    if (onJob !== null) {
      where.push("job_id = ?");
      p.push(onJob);
    }
    return this.one(`UPDATE callbacks SET ${sets.join(", ")} WHERE ${where.join(" AND ")} RETURNING *`, p);
  }

  /** The latest callback queued for a voicemail, or null. */
  async forVoicemail(voicemailId: number): Promise<CallbackRecord | null> {
    return this.one("SELECT * FROM callbacks WHERE voicemail_id = ? ORDER BY id DESC LIMIT 1", [voicemailId]);
  }

  /** The latest callback promised on a call, or null. */
  async forCall(callId: number): Promise<CallbackRecord | null> {
    return this.one("SELECT * FROM callbacks WHERE call_id = ? ORDER BY id DESC LIMIT 1", [callId]);
  }

  private async one(sql: string, params: readonly (string | number | null)[]): Promise<CallbackRecord | null> {
    const r = await this.sql.get<Row>(sql, params);
    return r ? toCallback(r) : null;
  }
}
