import type { Database, Statement } from "better-sqlite3";

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

/** The `callbacks` table. Changes are conditional (on the status, and on the job for a task), so a race has one winner. */
export class CallbacksRepo {
  private readonly s: Record<
    "insert" | "get" | "byRoot" | "list" | "claim" | "change" | "forVoicemail" | "forCall",
    Statement
  >;

  constructor(private readonly db: Database) {
    this.s = {
      insert: db.prepare(`INSERT INTO callbacks (root_job_id, job_id, status, to_number, agent, reason, source, call_id,
          voicemail_id, notification_id, payload, run_at, created_at, updated_at)
        VALUES (@rootJobId, @rootJobId, @status, @to, @agent, @reason, @source, @callId, @voicemailId, @notificationId,
          @payload, @runAt, @now, @now)
        ON CONFLICT (root_job_id) DO NOTHING RETURNING *`),
      get: db.prepare("SELECT * FROM callbacks WHERE id = ?"),
      byRoot: db.prepare("SELECT * FROM callbacks WHERE root_job_id = ?"),
      list: db.prepare(`SELECT * FROM callbacks WHERE id < @before AND (@status IS NULL OR status = @status)
        ORDER BY id DESC LIMIT @limit`),
      claim: db.prepare(`UPDATE callbacks SET status = 'calling', updated_at = @now
        WHERE id = @id AND job_id = @jobId AND status IN ('upcoming', 'calling') RETURNING *`),
      change: db.prepare(`UPDATE callbacks SET status = @status, job_id = coalesce(@jobId, job_id),
          run_at = coalesce(@runAt, run_at), attempts = coalesce(@attempts, attempts),
          last_outcome = CASE WHEN @setOutcome THEN @lastOutcome ELSE last_outcome END,
          placed_call_id = CASE WHEN @setPlaced THEN @placedCallId ELSE placed_call_id END,
          error = CASE WHEN @setError THEN @error ELSE error END,
          updated_at = @now, finished_at = CASE WHEN @final THEN @now ELSE NULL END
        WHERE id = @id AND status IN (SELECT value FROM json_each(@from)) AND (@onJob IS NULL OR job_id = @onJob)
        RETURNING *`),
      forVoicemail: db.prepare("SELECT * FROM callbacks WHERE voicemail_id = ? ORDER BY id DESC LIMIT 1"),
      forCall: db.prepare("SELECT * FROM callbacks WHERE call_id = ? ORDER BY id DESC LIMIT 1"),
    };
  }

  /** Adds the callback of a new chain; null when its root job already has one (a repeated enqueue). */
  insert(c: NewCallback, now: number): CallbackRecord | null {
    const r = this.s.insert.get({
      ...c,
      status: c.status ?? "upcoming",
      payload: JSON.stringify(c.payload),
      now,
    }) as Row | undefined;
    return r ? toCallback(r) : null;
  }

  get(id: number): CallbackRecord | null {
    const r = this.s.get.get(id) as Row | undefined;
    return r ? toCallback(r) : null;
  }

  byRoot(rootJobId: number): CallbackRecord | null {
    const r = this.s.byRoot.get(rootJobId) as Row | undefined;
    return r ? toCallback(r) : null;
  }

  /** Newest first. */
  list(o: { status?: CallbackStatus | undefined; before?: number | undefined; limit: number }): CallbackRecord[] {
    return (
      this.s.list.all({
        status: o.status ?? null,
        before: o.before ?? Number.MAX_SAFE_INTEGER,
        limit: o.limit,
      }) as Row[]
    ).map(toCallback);
  }

  /**
   * upcoming -> calling, only for the job the row points at; null when cancelled, rescheduled or settled. (Calling
   * again is allowed: the same job runs again after its worker died, and a job never runs twice at once.)
   */
  claim(id: number, jobId: number, now: number): CallbackRecord | null {
    const r = this.s.claim.get({ id, jobId, now }) as Row | undefined;
    return r ? toCallback(r) : null;
  }

  /**
   * Moves a callback from one of `from` to `change.status` (and, with `onJob`, only while it points at that job);
   * null when it is no longer in such a state.
   */
  change(
    id: number,
    from: readonly CallbackStatus[],
    change: CallbackChange,
    now: number,
    onJob: number | null = null,
  ): CallbackRecord | null {
    const r = this.s.change.get({
      id,
      from: JSON.stringify(from),
      onJob,
      status: change.status,
      jobId: change.jobId ?? null,
      runAt: change.runAt ?? null,
      attempts: change.attempts ?? null,
      setOutcome: change.lastOutcome !== undefined ? 1 : 0,
      lastOutcome: change.lastOutcome ?? null,
      setPlaced: change.placedCallId !== undefined ? 1 : 0,
      placedCallId: change.placedCallId ?? null,
      setError: change.error !== undefined ? 1 : 0,
      error: change.error ?? null,
      final: FINAL.includes(change.status) ? 1 : 0,
      now,
    }) as Row | undefined;
    return r ? toCallback(r) : null;
  }

  /** The latest callback queued for a voicemail, or null. */
  forVoicemail(voicemailId: number): CallbackRecord | null {
    const r = this.s.forVoicemail.get(voicemailId) as Row | undefined;
    return r ? toCallback(r) : null;
  }

  /** The latest callback promised on a call, or null. */
  forCall(callId: number): CallbackRecord | null {
    const r = this.s.forCall.get(callId) as Row | undefined;
    return r ? toCallback(r) : null;
  }

  /** Runs `fn` in one transaction. */
  atomically<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }
}
