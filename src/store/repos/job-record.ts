/**
 * The typed shape of a `jobs` row and its conversion from SQLite. The queue
 * (src/jobs) re-exports these as its public Job type; they live here so the
 * store does not import from the layer above it.
 */

export const JOB_STATUSES = ["queued", "running", "failed", "succeeded", "dead", "cancelled"] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

/** What is kept of an error: enough to triage, no stack (stacks change with every build and bloat rows). */
export interface JobErrorInfo {
  name: string;
  message: string;
  code?: string;
  retryable?: boolean;
}

export interface JobRecord<P = unknown> {
  id: number;
  kind: string;
  payload: P;
  status: JobStatus;
  /** Higher runs first in the priority order. */
  priority: number;
  /** Not claimable before this time (ms since the epoch). */
  runAt: number;
  /** Attempts started so far (counted at claim). */
  attempts: number;
  maxAttempts: number;
  idempotencyKey: string | null;
  /** The worker holding the lease while running. */
  lockedBy: string | null;
  leaseUntil: number | null;
  lastError: JobErrorInfo | null;
  result: unknown;
  createdAt: number;
  updatedAt: number;
  /** When the latest attempt was claimed. */
  startedAt: number | null;
  finishedAt: number | null;
}

/** The row as better-sqlite3 returns it. */
export interface JobRow {
  id: number;
  kind: string;
  payload: string;
  status: JobStatus;
  priority: number;
  run_at: number;
  attempts: number;
  max_attempts: number;
  idempotency_key: string | null;
  locked_by: string | null;
  lease_until: number | null;
  last_error: string | null;
  result: string | null;
  created_at: number;
  updated_at: number;
  started_at: number | null;
  finished_at: number | null;
}

/** Converts a row; JSON columns are checked by the schema (json_valid), so parsing cannot fail. */
export function toJobRecord(row: JobRow): JobRecord {
  return {
    id: row.id,
    kind: row.kind,
    payload: JSON.parse(row.payload) as unknown,
    status: row.status,
    priority: row.priority,
    runAt: row.run_at,
    attempts: row.attempts,
    maxAttempts: row.max_attempts,
    idempotencyKey: row.idempotency_key,
    lockedBy: row.locked_by,
    leaseUntil: row.lease_until,
    lastError: row.last_error === null ? null : (JSON.parse(row.last_error) as JobErrorInfo),
    result: row.result === null ? null : (JSON.parse(row.result) as unknown),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
  };
}

/** One audit row of `job_events`. */
export interface JobEventRecord {
  id: number;
  jobId: number;
  at: number;
  type: JobEventType;
  attempt: number;
  workerId: string | null;
  detail: Record<string, unknown> | null;
}

export type JobEventType =
  "enqueued" | "claimed" | "succeeded" | "failed" | "dead" | "released" | "lease_expired" | "cancelled" | "requeued";

/** A lease: the job, the worker holding it and which attempt. Writes that carry a stale lease change nothing. */
export interface JobLease {
  id: number;
  workerId: string;
  attempt: number;
}

/** Depth of one kind in one status. */
export interface JobCount {
  kind: string;
  status: JobStatus;
  count: number;
}
