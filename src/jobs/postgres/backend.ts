import type { Pool, PoolClient } from "pg";
import { systemClock, type Clock } from "../../lib/clock.js";
import { retryDelayMs, type RetryPolicy } from "../backoff.js";
import { JobLeaseLostError, JobNotFoundError, JobStateError, toJobError, toJson } from "../job-errors.js";
import { checkNewJob, pageLimit } from "../new-job.js";
import type {
  ClaimOptions,
  ClaimResult,
  EnqueueResult,
  ExpiredLease,
  FailOptions,
  FailResult,
  Job,
  JobCount,
  JobEventRecord,
  JobLease,
  JobPage,
  ListOptions,
  NewJob,
  QueueBackend,
} from "../types.js";
import { toJob, toJobEvent, type PgEventRow, type PgJobRow } from "./rows.js";
import * as sql from "./statements.js";
import type { WakeConnection, WakeListener } from "./wake-listener.js";

/** A row of a claim: a job it leased, or one whose expired lease it settled. */
type ClaimRow = PgJobRow & { outcome: "claimed" | "expired"; previous_worker: string | null };

export interface PostgresQueueOptions {
  clock?: Clock;
  /** Lease given at claim and by each heartbeat unless the caller says otherwise. */
  leaseMs: number;
  retry: RetryPolicy;
  /** For jobs enqueued without maxAttempts. */
  maxAttempts: number;
  /** Source of the retry jitter; tests pin it. */
  random?: () => number;
  /** The NOTIFY channel of this queue (one per schema). */
  channel: string;
  /** The LISTEN side, shared by the workers of this process. */
  wake: WakeConnection;
  /** Resolves once the schema is migrated; every call waits for it (the pool exists before). */
  ready: Promise<void>;
  /** Ends the pool and the LISTEN connection. */
  close: () => Promise<void>;
}

/**
 * The queue on PostgreSQL, for several processes and machines sharing one
 * queue. Claims lock their candidates with FOR UPDATE SKIP LOCKED, so workers
 * never wait on each other and never lease one job twice; writes by a worker
 * are fenced by its lease exactly as on SQLite. Enqueues, releases and
 * retries NOTIFY the queue's channel at commit, which wakes idle workers on
 * every node at once (`watch`). "Now" is the injected clock's, as on SQLite.
 */
export class PostgresQueueBackend implements QueueBackend {
  private readonly clock: Clock;
  private readonly random: () => number;

  constructor(
    private readonly pool: Pool,
    private readonly options: PostgresQueueOptions,
  ) {
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? Math.random;
  }

  async enqueue<P>(job: NewJob<P>): Promise<EnqueueResult<P>> {
    const [result] = await this.enqueueMany([job]);
    return result as EnqueueResult<P>;
  }

  async enqueueMany<P>(jobs: readonly NewJob<P>[]): Promise<EnqueueResult<P>[]> {
    // Validate and serialise everything first: a bad item adds nothing.
    const rows = jobs.map((j) => checkNewJob(j, this.options.maxAttempts));
    if (rows.length === 0) return [];
    const now = this.clock.now();
    const inserted = await this.rows<PgJobRow & { ord: string }>(sql.ENQUEUE, [
      rows.map((r) => r.kind),
      rows.map((r) => r.payload),
      rows.map((r) => r.priority),
      rows.map((r) => r.runAt ?? now),
      rows.map((r) => r.maxAttempts),
      rows.map((r) => r.idempotencyKey),
      now,
      this.options.channel,
    ]);
    const out: (EnqueueResult<P> | undefined)[] = new Array(rows.length);
    for (const row of inserted) out[Number(row.ord) - 1] = { job: toJob(row) as Job<P>, created: true };
    const taken = rows.filter((_, i) => !out[i]);
    if (taken.length > 0) {
      // Keys held by earlier jobs, or by an earlier item of this same batch.
      const holders = await this.rows<PgJobRow>(sql.BY_KEYS, [
        taken.map((r) => r.kind),
        taken.map((r) => r.idempotencyKey),
      ]);
      const byKey = new Map(holders.map((h) => [`${h.kind}\u0000${h.idempotency_key}`, toJob(h) as Job<P>]));
      rows.forEach((r, i) => {
        if (out[i]) return;
        const job = byKey.get(`${r.kind}\u0000${r.idempotencyKey}`);
        if (!job) throw new Error(`job ${r.kind} with key ${r.idempotencyKey} was neither inserted nor found`);
        out[i] = { job, created: false };
      });
    }
    return out as EnqueueResult<P>[];
  }

  async claim(o: ClaimOptions): Promise<ClaimResult> {
    if (o.kinds.length === 0) return { jobs: [], expired: [] };
    const now = this.clock.now();
    const limit = Math.max(0, o.limit);
    const params = (n: number) => [o.kinds, now, n, o.workerId, now + (o.leaseMs ?? this.options.leaseMs), o.order];
    const rows = await this.rows<ClaimRow>(sql.claimSql(o.order, true), params(limit));
    const expired: ExpiredLease[] = [];
    const jobs: Job[] = [];
    for (const row of rows) {
      const job = toJob(row);
      if (row.outcome === "claimed") jobs.push(job);
      else
        expired.push({
          job,
          outcome: job.status === "dead" ? "dead" : "requeued",
          previousWorker: row.previous_worker,
        });
    }
    // Jobs whose lease ran out are claimable now, as on SQLite, but only to a statement that comes after.
    if (expired.some((e) => e.outcome === "requeued") && jobs.length < limit)
      for (const row of await this.rows<ClaimRow>(sql.claimSql(o.order, false), params(limit - jobs.length)))
        jobs.push(toJob(row));
    return { jobs: jobs.sort(o.order === "newest" ? newestFirst : priorityFirst), expired };
  }

  async heartbeat(lease: JobLease, leaseMs = this.options.leaseMs): Promise<number> {
    const now = this.clock.now();
    const [row] = await this.rows<{ lease_until: string }>(sql.HEARTBEAT, [...fence(lease), now, now + leaseMs]);
    if (!row) throw new JobLeaseLostError(lease.id, lease.workerId);
    return Number(row.lease_until);
  }

  async complete(lease: JobLease, result: unknown): Promise<Job> {
    const text = toJson(result, `the result of job ${lease.id}`);
    const [row] = await this.rows<PgJobRow>(sql.COMPLETE, [...fence(lease), this.clock.now(), text]);
    return this.fenced(row, lease);
  }

  async fail(lease: JobLease, error: unknown, options: FailOptions): Promise<FailResult> {
    const info = toJobError(error);
    const text = toJson(info, "the error");
    // The fence guarantees the row's attempts equal the lease's, so the delay is known up front.
    const delayMs = retryDelayMs(lease.attempt, this.options.retry, this.random);
    const [row] = await this.rows<PgJobRow>(sql.FAIL, [
      ...fence(lease),
      this.clock.now(),
      options.retryable,
      delayMs,
      text,
    ]);
    const job = this.fenced(row, lease);
    if (job.status === "dead")
      return { outcome: "dead", job, reason: options.retryable ? "attempts_exhausted" : "non_retryable" };
    return { outcome: "retry", job, delayMs };
  }

  async release(lease: JobLease): Promise<Job> {
    const [row] = await this.rows<PgJobRow>(sql.RELEASE, [...fence(lease), this.clock.now(), this.options.channel]);
    return this.fenced(row, lease);
  }

  async cancel(id: number): Promise<Job> {
    return this.transaction(async (c) => {
      const now = this.clock.now();
      const before = await this.locked(c, id);
      const row = (await c.query<PgJobRow>(sql.CANCEL, [id, now])).rows[0];
      if (!row)
        throw new JobStateError(`job ${id} is ${before.status}; only queued, failed or running jobs can be cancelled`);
      const job = toJob(row);
      await c.query(sql.ADD_EVENT, [
        id,
        now,
        "cancelled",
        job.attempts,
        null,
        JSON.stringify({ from: before.status, worker: before.lockedBy }),
      ]);
      return job;
    });
  }

  async retry(id: number): Promise<Job> {
    return this.transaction(async (c) => {
      const now = this.clock.now();
      const before = await this.locked(c, id);
      const row = (await c.query<PgJobRow>(sql.REQUEUE, [id, now])).rows[0];
      if (!row)
        throw new JobStateError(`job ${id} is ${before.status}; only dead, failed or cancelled jobs can be retried`);
      await c.query(sql.ADD_EVENT, [
        id,
        now,
        "requeued",
        0,
        null,
        JSON.stringify({ from: before.status, attempts: before.attempts }),
      ]);
      await c.query("SELECT pg_notify($1, $2)", [this.options.channel, row.kind]);
      return toJob(row);
    });
  }

  async get(id: number): Promise<Job | null> {
    const [row] = await this.rows<PgJobRow>(sql.GET, [id]);
    return row ? toJob(row) : null;
  }

  async list(options: ListOptions = {}): Promise<JobPage> {
    const limit = pageLimit(options.limit);
    // One row more than asked tells whether another page exists without a count query.
    const rows = await this.rows<PgJobRow>(sql.LIST, [
      options.cursor ?? Number.MAX_SAFE_INTEGER,
      options.kind ?? null,
      options.status ?? null,
      limit + 1,
    ]);
    const jobs = rows.slice(0, limit).map(toJob);
    return { jobs, nextCursor: rows.length > limit ? (jobs[jobs.length - 1]?.id ?? null) : null };
  }

  async events(id: number): Promise<JobEventRecord[]> {
    return (await this.rows<PgEventRow>(sql.EVENTS, [id])).map(toJobEvent);
  }

  async stats(): Promise<JobCount[]> {
    return this.rows<JobCount>(sql.COUNTS, []);
  }

  async open(): Promise<void> {
    await this.options.ready;
  }

  async close(): Promise<void> {
    await this.options.close();
  }

  /** Calls `listener` with a kind whenever a job of it may have become claimable on any node (null: any kind). */
  watch(listener: WakeListener): () => void {
    return this.options.wake.subscribe(listener);
  }

  private async locked(c: PoolClient, id: number): Promise<Job> {
    const row = (await c.query<PgJobRow>(sql.LOCK_ONE, [id])).rows[0];
    if (!row) throw new JobNotFoundError(id);
    return toJob(row);
  }

  private fenced(row: PgJobRow | undefined, lease: JobLease): Job {
    if (!row) throw new JobLeaseLostError(lease.id, lease.workerId);
    return toJob(row);
  }

  private async rows<R extends object>(text: string, values: unknown[]): Promise<R[]> {
    await this.options.ready;
    return (await this.pool.query<R>(text, values)).rows;
  }

  private async transaction<T>(fn: (c: PoolClient) => Promise<T>): Promise<T> {
    await this.options.ready;
    const c = await this.pool.connect();
    try {
      await c.query("BEGIN");
      const out = await fn(c);
      await c.query("COMMIT");
      return out;
    } catch (err) {
      await c.query("ROLLBACK").catch(() => {});
      throw err;
    } finally {
      c.release();
    }
  }
}

function fence(lease: JobLease): [number, string, number] {
  return [lease.id, lease.workerId, lease.attempt];
}

function priorityFirst(a: Job, b: Job): number {
  return b.priority - a.priority || a.runAt - b.runAt || a.id - b.id;
}

function newestFirst(a: Job, b: Job): number {
  return b.id - a.id;
}
