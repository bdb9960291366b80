import type { Database, Statement } from "better-sqlite3";
import { toJobRecord, type JobCount, type JobLease, type JobRecord, type JobRow } from "./job-record.js";

/** Columns of a new row; JSON columns arrive already serialised. */
export interface NewJobRow {
  kind: string;
  payload: string;
  priority: number;
  runAt: number;
  maxAttempts: number;
  idempotencyKey: string | null;
  now: number;
}

export interface JobListFilter {
  kind: string | null;
  status: string | null;
  /** Cursor: only ids below this one (pages go newest first). */
  beforeId: number | null;
  limit: number;
}

type Params = Record<string, string | number | null>;

/** What choosing the next jobs needs: the claim order's keys, read from the index alone (markRunning returns the rows). */
export interface ReadyJob {
  id: number;
  priority: number;
  run_at: number;
}
type StatementName = Exclude<keyof ReturnType<typeof prepareStatements>, "counts" | "readyByPriority" | "readyNewest">;

// The fence every write by a worker carries: a stale lease (expired and re-claimed,
// or cancelled) matches no row, so a slow worker can never overwrite a newer attempt.
const FENCE = "id = @id AND status = 'running' AND locked_by = @workerId AND attempts = @attempt";
const READY_STATUSES = ["queued", "failed"] as const;

/**
 * Prepared statements over `jobs`. Each method is one statement; the queue
 * backend composes them into transactions. No SQL is built from input: filters
 * are bound parameters.
 */
export class JobsRepo {
  private readonly s: ReturnType<typeof prepareStatements>;

  constructor(db: Database) {
    this.s = prepareStatements(db);
  }

  /** Inserts a job; null when a job of this kind already holds the idempotency key. */
  insert(row: NewJobRow): JobRecord | null {
    return this.one("insert", { ...row });
  }

  findByKey(kind: string, key: string): JobRecord | null {
    return this.one("byKey", { kind, key });
  }

  get(id: number): JobRecord | null {
    return this.one("get", { id });
  }

  /**
   * Claimable jobs of the given kinds, in the lane's order. One index seek per
   * kind (and status, for newest), merged here: SQLite cannot walk one ordered
   * index across an IN list and would sort the whole backlog on every claim.
   */
  ready(order: "priority" | "newest", kinds: readonly string[], now: number, limit: number): ReadyJob[] {
    const rows =
      order === "newest"
        ? kinds.flatMap((kind) =>
            READY_STATUSES.flatMap((status) => this.s.readyNewest.all({ kind, status, now, limit })),
          )
        : kinds.flatMap((kind) => this.s.readyByPriority.all({ kind, now, limit }));
    if (rows.length > 1) rows.sort(order === "newest" ? newestFirst : priorityFirst);
    return rows.slice(0, limit);
  }

  markRunning(id: number, workerId: string, now: number, leaseUntil: number): JobRecord | null {
    return this.one("markRunning", { id, workerId, now, leaseUntil });
  }

  /** Running jobs of these kinds whose lease ran out: their worker died or hung. */
  expired(kinds: readonly string[], now: number): JobRecord[] {
    return kinds.flatMap((kind) => this.s.expired.all({ kind, now })).map(toJobRecord);
  }

  expire(id: number, now: number, error: string): JobRecord | null {
    return this.one("expire", { id, now, error });
  }

  heartbeat(lease: JobLease, now: number, leaseUntil: number): JobRecord | null {
    return this.one("heartbeat", { ...lease, now, leaseUntil });
  }

  succeed(lease: JobLease, now: number, result: string): JobRecord | null {
    return this.one("succeed", { ...lease, now, result });
  }

  retryLater(lease: JobLease, now: number, runAt: number, error: string): JobRecord | null {
    return this.one("retryLater", { ...lease, now, runAt, error });
  }

  bury(lease: JobLease, now: number, error: string): JobRecord | null {
    return this.one("bury", { ...lease, now, error });
  }

  release(lease: JobLease, now: number): JobRecord | null {
    return this.one("release", { ...lease, now });
  }

  cancel(id: number, now: number): JobRecord | null {
    return this.one("cancel", { id, now });
  }

  requeue(id: number, now: number): JobRecord | null {
    return this.one("requeue", { id, now });
  }

  list(filter: JobListFilter): JobRecord[] {
    const beforeId = filter.beforeId ?? Number.MAX_SAFE_INTEGER;
    return this.s.list
      .all({ kind: filter.kind, status: filter.status, beforeId, limit: filter.limit })
      .map(toJobRecord);
  }

  /** Rows per kind and status (every status, finished ones included). */
  counts(): JobCount[] {
    return this.s.counts.all();
  }

  private one(name: StatementName, params: Params): JobRecord | null {
    const row = this.s[name].get(params);
    return row ? toJobRecord(row) : null;
  }
}

function prepareStatements(db: Database) {
  const p = (sql: string): Statement<[Params], JobRow> => db.prepare<Params, JobRow>(sql);
  return {
    insert:
      p(`INSERT INTO jobs (kind, payload, status, priority, run_at, max_attempts, idempotency_key, created_at, updated_at)
      VALUES (@kind, @payload, 'queued', @priority, @runAt, @maxAttempts, @idempotencyKey, @now, @now)
      ON CONFLICT (kind, idempotency_key) DO NOTHING RETURNING *`),
    byKey: p("SELECT * FROM jobs WHERE kind = @kind AND idempotency_key = @key"),
    get: p("SELECT * FROM jobs WHERE id = @id"),
    // INDEXED BY pins the plan whatever the statistics say: a sort over the backlog on every claim would be the slow path.
    readyByPriority: db.prepare<Params, ReadyJob>(`SELECT id, priority, run_at FROM jobs INDEXED BY jobs_ready_priority
      WHERE kind = @kind AND status IN ('queued', 'failed') AND run_at <= @now ORDER BY priority DESC, run_at, id LIMIT @limit`),
    readyNewest: db.prepare<Params, ReadyJob>(`SELECT id, priority, run_at FROM jobs INDEXED BY jobs_kind_status
      WHERE kind = @kind AND status = @status AND lease_until IS NULL AND run_at <= @now ORDER BY id DESC LIMIT @limit`),
    markRunning: p(`UPDATE jobs SET status = 'running', locked_by = @workerId, lease_until = @leaseUntil,
      attempts = attempts + 1, started_at = @now, updated_at = @now
      WHERE id = @id AND status IN ('queued', 'failed') RETURNING *`),
    expired: p(
      "SELECT * FROM jobs INDEXED BY jobs_kind_status WHERE kind = @kind AND status = 'running' AND lease_until <= @now",
    ),
    // A lost lease uses up its attempt: a job that kills its worker every time still ends up dead.
    expire: p(`UPDATE jobs SET
        status = CASE WHEN attempts >= max_attempts THEN 'dead' ELSE 'queued' END,
        finished_at = CASE WHEN attempts >= max_attempts THEN @now ELSE NULL END,
        last_error = @error, locked_by = NULL, lease_until = NULL, updated_at = @now
      WHERE id = @id AND status = 'running' AND lease_until <= @now RETURNING *`),
    heartbeat: p(`UPDATE jobs SET lease_until = @leaseUntil, updated_at = @now WHERE ${FENCE} RETURNING *`),
    succeed: p(`UPDATE jobs SET status = 'succeeded', result = @result, locked_by = NULL, lease_until = NULL,
      finished_at = @now, updated_at = @now WHERE ${FENCE} RETURNING *`),
    retryLater: p(`UPDATE jobs SET status = 'failed', last_error = @error, run_at = @runAt, locked_by = NULL,
      lease_until = NULL, updated_at = @now WHERE ${FENCE} RETURNING *`),
    bury: p(`UPDATE jobs SET status = 'dead', last_error = @error, locked_by = NULL, lease_until = NULL,
      finished_at = @now, updated_at = @now WHERE ${FENCE} RETURNING *`),
    // Handing a job back un-counts its attempt: shutdown is not the job's fault.
    release: p(`UPDATE jobs SET status = 'queued', attempts = attempts - 1, locked_by = NULL, lease_until = NULL,
      updated_at = @now WHERE ${FENCE} RETURNING *`),
    cancel: p(`UPDATE jobs SET status = 'cancelled', locked_by = NULL, lease_until = NULL, finished_at = @now,
      updated_at = @now WHERE id = @id AND status IN ('queued', 'failed', 'running') RETURNING *`),
    requeue: p(`UPDATE jobs SET status = 'queued', attempts = 0, run_at = @now, result = NULL, finished_at = NULL,
      updated_at = @now WHERE id = @id AND status IN ('failed', 'dead', 'cancelled') RETURNING *`),
    list: p(`SELECT * FROM jobs WHERE id < @beforeId AND (@kind IS NULL OR kind = @kind)
      AND (@status IS NULL OR status = @status) ORDER BY id DESC LIMIT @limit`),
    counts: db.prepare<[], JobCount>(
      "SELECT kind, status, count(*) AS count FROM jobs GROUP BY kind, status ORDER BY kind, status",
    ),
  };
}

function priorityFirst(a: ReadyJob, b: ReadyJob): number {
  return b.priority - a.priority || a.run_at - b.run_at || a.id - b.id;
}

function newestFirst(a: ReadyJob, b: ReadyJob): number {
  return b.id - a.id;
}
