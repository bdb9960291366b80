import type { Database, Transaction } from "better-sqlite3";
import { systemClock, type Clock } from "../lib/clock.js";
import { JobEventsRepo } from "../store/repos/job-events-repo.js";
import { JobsRepo } from "../store/repos/jobs-repo.js";
import { retryDelayMs, type RetryPolicy } from "./backoff.js";
import { JobLeaseLostError, JobNotFoundError, JobStateError, toJobError, toJson } from "./job-errors.js";
import { checkNewJob, pageLimit } from "./new-job.js";
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
} from "./types.js";

export interface SqliteQueueOptions {
  clock?: Clock;
  /** Lease given at claim and by each heartbeat unless the caller says otherwise. */
  leaseMs: number;
  retry: RetryPolicy;
  /** For jobs enqueued without maxAttempts. */
  maxAttempts: number;
  /** Source of the retry jitter; tests pin it. */
  random?: () => number;
}

interface PendingCompletion {
  lease: JobLease;
  text: string;
  resolve: (job: Job) => void;
  reject: (err: unknown) => void;
}

/**
 * The queue on one SQLite file. Every state change and its `job_events` row
 * commit in one IMMEDIATE transaction (the write lock is taken up front, so
 * two processes never deadlock upgrading a read lock). "Now" is the injected
 * clock's, so tests and simulations move time by hand.
 */
export class SqliteQueueBackend implements QueueBackend {
  private readonly jobs: JobsRepo;
  private readonly trail: JobEventsRepo;
  private readonly clock: Clock;
  private readonly random: () => number;
  // One transaction wrapper for every write: better-sqlite3 passes the closure through.
  private readonly tx: Transaction<(fn: () => unknown) => unknown>;
  private readonly completions: PendingCompletion[] = [];

  constructor(
    db: Database,
    private readonly options: SqliteQueueOptions,
  ) {
    this.tx = db.transaction((fn: () => unknown) => fn());
    this.jobs = new JobsRepo(db);
    this.trail = new JobEventsRepo(db);
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? Math.random;
  }

  async enqueue<P>(job: NewJob<P>): Promise<EnqueueResult<P>> {
    const [result] = await this.enqueueMany([job]);
    return result as EnqueueResult<P>;
  }

  async enqueueMany<P>(jobs: readonly NewJob<P>[]): Promise<EnqueueResult<P>[]> {
    // Validate and serialise everything before the transaction: a bad item adds nothing.
    const rows = jobs.map((j) => checkNewJob(j, this.options.maxAttempts));
    return this.write(() => {
      const now = this.clock.now();
      return rows.map((row) => {
        const inserted = this.jobs.insert({ ...row, runAt: row.runAt ?? now, now });
        if (inserted) {
          this.trail.add({
            jobId: inserted.id,
            at: now,
            type: "enqueued",
            attempt: 0,
            detail: { priority: row.priority, runAt: inserted.runAt },
          });
          return { job: inserted as Job<P>, created: true };
        }
        const existing = this.jobs.findByKey(row.kind, row.idempotencyKey as string);
        return { job: existing as Job<P>, created: false };
      });
    });
  }

  async claim(o: ClaimOptions): Promise<ClaimResult> {
    const leaseMs = o.leaseMs ?? this.options.leaseMs;
    return this.write(() => {
      const now = this.clock.now();
      const expired = this.expireLeases(o.kinds, now);
      if (o.limit < 1) return { jobs: [], expired };
      const jobs: Job[] = [];
      for (const candidate of this.jobs.ready(o.order, o.kinds, now, o.limit)) {
        const job = this.jobs.markRunning(candidate.id, o.workerId, now, now + leaseMs);
        if (!job) continue;
        const waitedMs = now - Math.max(job.runAt, job.createdAt);
        this.trail.add({
          jobId: job.id,
          at: now,
          type: "claimed",
          attempt: job.attempts,
          workerId: o.workerId,
          detail: { order: o.order, waitedMs },
        });
        jobs.push(job);
      }
      return { jobs, expired };
    });
  }

  async heartbeat(lease: JobLease, leaseMs = this.options.leaseMs): Promise<number> {
    const now = this.clock.now();
    const job = this.jobs.heartbeat(lease, now, now + leaseMs);
    if (!job) throw new JobLeaseLostError(lease.id, lease.workerId);
    return job.leaseUntil as number;
  }

  /**
   * Completions that arrive together (slots whose tasks finished in the same
   * tick) share one transaction: a commit costs more than the two statements
   * of a completion. The batch is written in a microtask, before any timer or
   * I/O callback, so a completion is never delayed behind other work. Each
   * promise settles only after the commit, and each lease is fenced on its
   * own (a lost one fails alone).
   */
  async complete(lease: JobLease, result: unknown): Promise<Job> {
    const text = toJson(result, `the result of job ${lease.id}`);
    return new Promise<Job>((resolve, reject) => {
      this.completions.push({ lease, text, resolve, reject });
      if (this.completions.length === 1) queueMicrotask(() => this.flushCompletions());
    });
  }

  private flushCompletions(): void {
    const batch = this.completions.splice(0);
    let jobs: (Job | null)[];
    try {
      jobs = this.write(() => {
        const now = this.clock.now();
        return batch.map(({ lease, text }) => {
          const job = this.jobs.succeed(lease, now, text);
          if (job)
            this.trail.add({
              jobId: job.id,
              at: now,
              type: "succeeded",
              attempt: job.attempts,
              workerId: lease.workerId,
              detail: { runMs: now - (job.startedAt ?? now) },
            });
          return job;
        });
      });
    } catch (err) {
      for (const c of batch) c.reject(err);
      return;
    }
    batch.forEach((c, i) => {
      const job = jobs[i];
      if (job) c.resolve(job);
      else c.reject(new JobLeaseLostError(c.lease.id, c.lease.workerId));
    });
  }

  async fail(lease: JobLease, error: unknown, options: FailOptions): Promise<FailResult> {
    const info = toJobError(error);
    const text = toJson(info, "the error");
    return this.write((): FailResult => {
      const now = this.clock.now();
      const current = this.jobs.get(lease.id);
      const exhausted = current !== null && current.attempts >= current.maxAttempts;
      if (!options.retryable || exhausted) {
        const job = this.fenced(this.jobs.bury(lease, now, text), lease);
        const reason = options.retryable ? "attempts_exhausted" : "non_retryable";
        this.trail.add({
          jobId: job.id,
          at: now,
          type: "dead",
          attempt: job.attempts,
          workerId: lease.workerId,
          detail: { reason, error: info },
        });
        return { outcome: "dead", job, reason };
      }
      const delayMs = retryDelayMs(current?.attempts ?? 1, this.options.retry, this.random);
      const job = this.fenced(this.jobs.retryLater(lease, now, now + delayMs, text), lease);
      this.trail.add({
        jobId: job.id,
        at: now,
        type: "failed",
        attempt: job.attempts,
        workerId: lease.workerId,
        detail: { delayMs, runAt: job.runAt, error: info },
      });
      return { outcome: "retry", job, delayMs };
    });
  }

  async release(lease: JobLease): Promise<Job> {
    return this.write(() => {
      const now = this.clock.now();
      const job = this.fenced(this.jobs.release(lease, now), lease);
      this.trail.add({ jobId: job.id, at: now, type: "released", attempt: job.attempts, workerId: lease.workerId });
      return job;
    });
  }

  async cancel(id: number): Promise<Job> {
    return this.write(() => {
      const now = this.clock.now();
      const before = this.existing(id);
      const job = this.jobs.cancel(id, now);
      if (!job)
        throw new JobStateError(`job ${id} is ${before.status}; only queued, failed or running jobs can be cancelled`);
      this.trail.add({
        jobId: id,
        at: now,
        type: "cancelled",
        attempt: job.attempts,
        detail: { from: before.status, worker: before.lockedBy },
      });
      return job;
    });
  }

  async retry(id: number): Promise<Job> {
    return this.write(() => {
      const now = this.clock.now();
      const before = this.existing(id);
      const job = this.jobs.requeue(id, now);
      if (!job)
        throw new JobStateError(`job ${id} is ${before.status}; only dead, failed or cancelled jobs can be retried`);
      this.trail.add({
        jobId: id,
        at: now,
        type: "requeued",
        attempt: 0,
        detail: { from: before.status, attempts: before.attempts },
      });
      return job;
    });
  }

  async get(id: number): Promise<Job | null> {
    return this.jobs.get(id);
  }

  async list(options: ListOptions = {}): Promise<JobPage> {
    const limit = pageLimit(options.limit);
    // One row more than asked tells whether another page exists without a count query.
    const rows = this.jobs.list({
      kind: options.kind ?? null,
      status: options.status ?? null,
      beforeId: options.cursor ?? null,
      limit: limit + 1,
    });
    const jobs = rows.slice(0, limit);
    return { jobs, nextCursor: rows.length > limit ? (jobs[jobs.length - 1]?.id ?? null) : null };
  }

  async events(id: number): Promise<JobEventRecord[]> {
    return this.trail.forJob(id);
  }

  async stats(): Promise<JobCount[]> {
    return this.jobs.counts();
  }

  /**
   * Settles running jobs of the claimed kinds whose lease ran out; part of each claim, so a dead
   * worker's jobs come back to whoever can run them (and only kinds someone claims need it).
   */
  private expireLeases(kinds: readonly string[], now: number): ExpiredLease[] {
    const out: ExpiredLease[] = [];
    for (const stale of this.jobs.expired(kinds, now)) {
      const error = toJson(
        {
          name: "LeaseExpired",
          message: `worker ${stale.lockedBy ?? "?"} stopped renewing its lease`,
          code: "job_lease_expired",
        },
        "the error",
      );
      const job = this.jobs.expire(stale.id, now, error);
      if (!job) continue;
      const outcome = job.status === "dead" ? "dead" : "requeued";
      this.trail.add({
        jobId: job.id,
        at: now,
        type: outcome === "dead" ? "dead" : "lease_expired",
        attempt: job.attempts,
        workerId: stale.lockedBy,
        detail: { leaseUntil: stale.leaseUntil, reason: "lease_expired" },
      });
      out.push({ job, outcome, previousWorker: stale.lockedBy });
    }
    return out;
  }

  private fenced(job: Job | null, lease: JobLease): Job {
    if (!job) throw new JobLeaseLostError(lease.id, lease.workerId);
    return job;
  }

  private existing(id: number): Job {
    const job = this.jobs.get(id);
    if (!job) throw new JobNotFoundError(id);
    return job;
  }

  private write<T>(fn: () => T): T {
    return this.tx.immediate(fn) as T;
  }
}
