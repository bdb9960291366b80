import type {
  JobCount,
  JobErrorInfo,
  JobEventRecord,
  JobLease,
  JobRecord,
  JobStatus,
} from "../store/repos/job-record.js";

export type { JobCount, JobErrorInfo, JobEventRecord, JobLease, JobStatus };
export type Job<P = unknown> = JobRecord<P>;

/** A job to add. Only `kind` and `payload` are required. */
export interface NewJob<P = unknown> {
  kind: string;
  /** Any JSON value; stored as text, so Dates become strings and functions are refused. */
  payload: P;
  /** Higher runs first in the priority order (default 0; negative for bulk work). */
  priority?: number;
  /** Earliest start, ms since the epoch (default: now). */
  runAt?: number;
  maxAttempts?: number;
  /** Per kind: a second enqueue with the same key returns the first job instead of adding one. */
  idempotencyKey?: string;
}

export interface EnqueueResult<P = unknown> {
  job: Job<P>;
  /** False when an existing job holds the idempotency key. */
  created: boolean;
}

/** "priority": priority desc, then run_at, then id. "newest": the last enqueued first (the triage lane). */
export type ClaimOrder = "priority" | "newest";

export interface ClaimOptions {
  kinds: readonly string[];
  workerId: string;
  limit: number;
  order: ClaimOrder;
  /** Lease length; the backend's default when absent. */
  leaseMs?: number;
}

/** A running job whose lease ran out (its worker died) and what became of it. */
export interface ExpiredLease {
  job: Job;
  /** "requeued" to run again, or "dead" when that lost attempt was its last. */
  outcome: "requeued" | "dead";
  /** The worker that held the lease. */
  previousWorker: string | null;
}

export interface ClaimResult {
  jobs: Job[];
  /** Leases of the claimed kinds found expired and settled by this claim. */
  expired: ExpiredLease[];
}

export interface FailOptions {
  /** False dead-letters at once, whatever attempts are left. */
  retryable: boolean;
}

export type FailResult =
  | { outcome: "retry"; job: Job; delayMs: number }
  | { outcome: "dead"; job: Job; reason: "non_retryable" | "attempts_exhausted" };

export interface ListOptions {
  kind?: string;
  status?: JobStatus;
  /** The `nextCursor` of the previous page. */
  cursor?: number;
  /** 1..500, default 50. */
  limit?: number;
}

export interface JobPage {
  jobs: Job[];
  /** Pass as `cursor` for the next page; null on the last page. */
  nextCursor: number | null;
}

/**
 * Storage of the durable queue: SQLite (one box) or PostgreSQL (several
 * processes and nodes; FOR UPDATE SKIP LOCKED), which is why every method is
 * async even though better-sqlite3 is synchronous. Writes by a worker carry its lease and change
 * nothing (JobLeaseLostError) when the lease is no longer theirs.
 */
export interface QueueBackend {
  enqueue<P>(job: NewJob<P>): Promise<EnqueueResult<P>>;
  /** Several jobs in one transaction (bulk outreach, benchmarks). */
  enqueueMany<P>(jobs: readonly NewJob<P>[]): Promise<EnqueueResult<P>[]>;
  claim(options: ClaimOptions): Promise<ClaimResult>;
  /** Extends the lease; returns the new `leaseUntil`. */
  heartbeat(lease: JobLease, leaseMs?: number): Promise<number>;
  complete(lease: JobLease, result: unknown): Promise<Job>;
  fail(lease: JobLease, error: unknown, options: FailOptions): Promise<FailResult>;
  /** Hands a running job back without counting the attempt (graceful shutdown). */
  release(lease: JobLease): Promise<Job>;
  /** Queued, failed or running -> cancelled. A running job's worker loses its lease. */
  cancel(id: number): Promise<Job>;
  /** Dead, failed or cancelled -> queued now, attempts reset. */
  retry(id: number): Promise<Job>;
  get(id: number): Promise<Job | null>;
  list(options?: ListOptions): Promise<JobPage>;
  /** The audit trail of one job, oldest first. */
  events(id: number): Promise<JobEventRecord[]>;
  /** Row counts per kind and status. */
  stats(): Promise<JobCount[]>;
  /**
   * Backends shared by several processes announce jobs that became claimable anywhere (PostgreSQL's
   * LISTEN/NOTIFY); `kind` null means "any kind". Absent: only this process's own enqueues wake its workers.
   */
  watch?(listener: (kind: string | null) => void): () => void;
  /** Resolves once the backend can be used (PostgreSQL: connected, schema migrated); rejects with why not. */
  open?(): Promise<void>;
  /** Closes connections the backend owns (PostgreSQL's pool); a SQLite database is closed by its opener. */
  close?(): Promise<void>;
}
