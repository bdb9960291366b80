import type { JobErrorInfo, JobEventRecord, JobEventType, JobRecord, JobStatus } from "../../store/repos/job-record.js";

/**
 * A `jobs` row as node-postgres returns it: BIGINT columns arrive as strings
 * (they may exceed 2^53 in general; ours are ms timestamps and ids, well
 * within it), JSONB columns already parsed.
 */
export interface PgJobRow {
  id: string;
  kind: string;
  payload: unknown;
  status: JobStatus;
  priority: number;
  run_at: string;
  attempts: number;
  max_attempts: number;
  idempotency_key: string | null;
  locked_by: string | null;
  lease_until: string | null;
  last_error: JobErrorInfo | null;
  result: unknown;
  created_at: string;
  updated_at: string;
  started_at: string | null;
  finished_at: string | null;
}

export interface PgEventRow {
  id: string;
  job_id: string;
  at: string;
  type: JobEventType;
  attempt: number;
  worker_id: string | null;
  detail: Record<string, unknown> | null;
}

const num = (v: string): number => Number(v);
const numOrNull = (v: string | null): number | null => (v === null ? null : Number(v));

export function toJob(row: PgJobRow): JobRecord {
  return {
    id: num(row.id),
    kind: row.kind,
    payload: row.payload,
    status: row.status,
    priority: row.priority,
    runAt: num(row.run_at),
    attempts: row.attempts,
    maxAttempts: row.max_attempts,
    idempotencyKey: row.idempotency_key,
    lockedBy: row.locked_by,
    leaseUntil: numOrNull(row.lease_until),
    lastError: row.last_error,
    result: row.result,
    createdAt: num(row.created_at),
    updatedAt: num(row.updated_at),
    startedAt: numOrNull(row.started_at),
    finishedAt: numOrNull(row.finished_at),
  };
}

export function toJobEvent(row: PgEventRow): JobEventRecord {
  return {
    id: num(row.id),
    jobId: num(row.job_id),
    at: num(row.at),
    type: row.type,
    attempt: row.attempt,
    workerId: row.worker_id,
    detail: row.detail,
  };
}
