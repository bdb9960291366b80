/**
 * The queue's SQL on PostgreSQL. The hot paths (enqueue, claim, expire,
 * heartbeat, complete, fail) are each ONE statement: the state change and
 * its `job_events` row are data-modifying CTEs of the same statement, so they
 * commit together without a BEGIN/COMMIT round trip. Unqualified table names
 * resolve through the connection's search_path (the configured schema).
 * Parameters are always bound; the only text spliced in is the lane order,
 * chosen from two constants.
 */

// The fence every write by a worker carries: a stale lease (expired and re-claimed,
// or cancelled) matches no row, so a slow worker can never overwrite a newer attempt.
const FENCE = "id = $1 AND status = 'running' AND locked_by = $2 AND attempts = $3";

/**
 * $1 kinds, $2 payloads (JSON text), $3 priorities, $4 run_at, $5 max_attempts, $6 keys, $7 now, $8 channel.
 * Ids are drawn first so each returned row can be matched to its input (`ord`); a row whose
 * (kind, key) is taken inserts nothing and the caller reads the holder. Each inserted kind is
 * announced on the channel (PostgreSQL folds identical notifications of one transaction into one,
 * delivered at commit).
 */
export const ENQUEUE = `
WITH input AS MATERIALIZED (
  SELECT nextval(pg_get_serial_sequence('jobs', 'id')) AS id, t.*
  FROM unnest($1::text[], $2::jsonb[], $3::int[], $4::bigint[], $5::int[], $6::text[]) WITH ORDINALITY
    AS t(kind, payload, priority, run_at, max_attempts, idempotency_key, ord)
), inserted AS (
  INSERT INTO jobs (id, kind, payload, status, priority, run_at, max_attempts, idempotency_key, created_at, updated_at)
  SELECT id, kind, payload, 'queued', priority, run_at, max_attempts, idempotency_key, $7, $7 FROM input ORDER BY ord
  ON CONFLICT (kind, idempotency_key) DO NOTHING
  RETURNING *
), trail AS (
  INSERT INTO job_events (job_id, at, type, attempt, detail)
  SELECT id, $7, 'enqueued', 0, jsonb_build_object('priority', priority, 'runAt', run_at) FROM inserted
)
SELECT input.ord, inserted.*, pg_notify($8, inserted.kind)::text AS notified
FROM inserted JOIN input ON input.id = inserted.id`;

/** $1 kinds, $2 keys: the jobs holding these idempotency keys. */
export const BY_KEYS = `SELECT * FROM jobs WHERE (kind, idempotency_key) IN (SELECT * FROM unnest($1::text[], $2::text[]))`;

// The claim orders, on the table and on the candidates picked from it.
const READY_ORDER = {
  priority: { table: "ORDER BY priority DESC, run_at, id", picked: "ORDER BY c.priority DESC, c.run_at, c.id" },
  newest: { table: "ORDER BY id DESC", picked: "ORDER BY c.id DESC" },
} as const;

/**
 * Running jobs of the claimed kinds ($1) whose lease ran out by $2 go back to the queue, or die when
 * that lost attempt was their last (a job that kills its worker every time still ends).
 */
const EXPIRE_CTES = `
stale AS (
  SELECT id, locked_by, lease_until FROM jobs
  WHERE kind = ANY($1::text[]) AND status = 'running' AND lease_until <= $2
  FOR UPDATE SKIP LOCKED
), expired AS (
  UPDATE jobs j SET
    status = CASE WHEN j.attempts >= j.max_attempts THEN 'dead' ELSE 'queued' END,
    finished_at = CASE WHEN j.attempts >= j.max_attempts THEN $2 ELSE NULL END,
    last_error = jsonb_build_object('name', 'LeaseExpired', 'code', 'job_lease_expired',
      'message', 'worker ' || coalesce(stale.locked_by, '?') || ' stopped renewing its lease'),
    locked_by = NULL, lease_until = NULL, updated_at = $2
  FROM stale WHERE j.id = stale.id
  RETURNING j.*, stale.locked_by AS previous_worker
), expired_trail AS (
  INSERT INTO job_events (job_id, at, type, attempt, worker_id, detail)
  SELECT e.id, $2, CASE WHEN e.status = 'dead' THEN 'dead' ELSE 'lease_expired' END, e.attempts, e.previous_worker,
    jsonb_build_object('leaseUntil', s.lease_until, 'reason', 'lease_expired')
  FROM expired e JOIN stale s ON s.id = e.id
)`;

/**
 * One index walk per kind (LATERAL), each locking its candidates with SKIP LOCKED so concurrent
 * claimers take different jobs without waiting; the best $3 of them are leased to $4 until $5.
 * Candidates beyond the limit stay locked only until the statement ends.
 */
function claimCtes(order: keyof typeof READY_ORDER): string {
  return `
picked AS (
  SELECT c.id FROM unnest($1::text[]) AS k(kind), LATERAL (
    SELECT id, priority, run_at FROM jobs
    WHERE kind = k.kind AND status IN ('queued', 'failed') AND run_at <= $2
    ${READY_ORDER[order].table} LIMIT $3 FOR UPDATE SKIP LOCKED
  ) c
  ${READY_ORDER[order].picked} LIMIT $3
), claimed AS (
  UPDATE jobs j SET status = 'running', locked_by = $4, lease_until = $5, attempts = j.attempts + 1,
    started_at = $2, updated_at = $2
  FROM picked WHERE j.id = picked.id AND j.status IN ('queued', 'failed')
  RETURNING j.*
), claimed_trail AS (
  INSERT INTO job_events (job_id, at, type, attempt, worker_id, detail)
  SELECT id, $2, 'claimed', attempts, $4,
    jsonb_build_object('order', $6::text, 'waitedMs', $2 - GREATEST(run_at, created_at))
  FROM claimed
)`;
}

/**
 * A claim: $1 kinds, $2 now, $3 limit, $4 worker, $5 lease_until, $6 order name. With `expire`,
 * expired leases are settled by the same statement (one round trip per claim); the jobs it puts
 * back are not visible to the claim part of it (one snapshot), so the caller claims once more
 * when some came back. Rows say `outcome`: 'expired' (with previous_worker) or 'claimed'.
 */
export function claimSql(order: keyof typeof READY_ORDER, expire: boolean): string {
  const claimed = "SELECT 'claimed' AS outcome, claimed.*, NULL::text AS previous_worker FROM claimed";
  return expire
    ? `WITH ${EXPIRE_CTES}, ${claimCtes(order)}
SELECT 'expired' AS outcome, expired.* FROM expired
UNION ALL ${claimed}`
    : `WITH ${claimCtes(order)} ${claimed}`;
}

/** $1-$3 lease, $4 now, $5 lease_until. */
export const HEARTBEAT = `UPDATE jobs SET lease_until = $5, updated_at = $4 WHERE ${FENCE} RETURNING lease_until`;

/** $1-$3 lease, $4 now, $5 result (JSON text). */
export const COMPLETE = `
WITH done AS (
  UPDATE jobs SET status = 'succeeded', result = $5::jsonb, locked_by = NULL, lease_until = NULL,
    finished_at = $4, updated_at = $4
  WHERE ${FENCE} RETURNING *
), trail AS (
  INSERT INTO job_events (job_id, at, type, attempt, worker_id, detail)
  SELECT id, $4, 'succeeded', attempts, $2, jsonb_build_object('runMs', $4 - coalesce(started_at, $4)) FROM done
)
SELECT * FROM done`;

/**
 * $1-$3 lease, $4 now, $5 retryable, $6 retry delay (ms), $7 error (JSON). Dead when not retryable
 * or when this was the last attempt; otherwise failed, due again after the delay.
 */
export const FAIL = `
WITH failed AS (
  UPDATE jobs SET
    status = CASE WHEN NOT $5::boolean OR attempts >= max_attempts THEN 'dead' ELSE 'failed' END,
    finished_at = CASE WHEN NOT $5::boolean OR attempts >= max_attempts THEN $4 ELSE finished_at END,
    run_at = CASE WHEN NOT $5::boolean OR attempts >= max_attempts THEN run_at ELSE $4 + $6::bigint END,
    last_error = $7::jsonb, locked_by = NULL, lease_until = NULL, updated_at = $4
  WHERE ${FENCE} RETURNING *
), trail AS (
  INSERT INTO job_events (job_id, at, type, attempt, worker_id, detail)
  SELECT id, $4, CASE WHEN status = 'dead' THEN 'dead' ELSE 'failed' END, attempts, $2,
    CASE WHEN status = 'dead'
      THEN jsonb_build_object('reason', CASE WHEN $5::boolean THEN 'attempts_exhausted' ELSE 'non_retryable' END,
        'error', $7::jsonb)
      ELSE jsonb_build_object('delayMs', $6::bigint, 'runAt', run_at, 'error', $7::jsonb)
    END
  FROM failed
)
SELECT * FROM failed`;

/** $1-$3 lease, $4 now, $5 channel. Handing a job back un-counts its attempt: shutdown is not the job's fault. */
export const RELEASE = `
WITH released AS (
  UPDATE jobs SET status = 'queued', attempts = attempts - 1, locked_by = NULL, lease_until = NULL, updated_at = $4
  WHERE ${FENCE} RETURNING *
), trail AS (
  INSERT INTO job_events (job_id, at, type, attempt, worker_id)
  SELECT id, $4, 'released', attempts, $2 FROM released
)
SELECT *, pg_notify($5, kind)::text AS notified FROM released`;

/** $1 id: the row, locked for a cancel or retry decided in the same transaction. */
export const LOCK_ONE = "SELECT * FROM jobs WHERE id = $1 FOR UPDATE";

/** $1 id, $2 now. */
export const CANCEL = `UPDATE jobs SET status = 'cancelled', locked_by = NULL, lease_until = NULL, finished_at = $2,
  updated_at = $2 WHERE id = $1 AND status IN ('queued', 'failed', 'running') RETURNING *`;

/** $1 id, $2 now. */
export const REQUEUE = `UPDATE jobs SET status = 'queued', attempts = 0, run_at = $2, result = NULL, finished_at = NULL,
  updated_at = $2 WHERE id = $1 AND status IN ('failed', 'dead', 'cancelled') RETURNING *`;

/** $1 job, $2 at, $3 type, $4 attempt, $5 worker, $6 detail (JSON). */
export const ADD_EVENT = `INSERT INTO job_events (job_id, at, type, attempt, worker_id, detail)
  VALUES ($1, $2, $3, $4, $5, $6::jsonb)`;

export const GET = "SELECT * FROM jobs WHERE id = $1";

/** $1 before id, $2 kind or null, $3 status or null, $4 limit. */
export const LIST = `SELECT * FROM jobs WHERE id < $1 AND ($2::text IS NULL OR kind = $2)
  AND ($3::text IS NULL OR status = $3) ORDER BY id DESC LIMIT $4`;

export const EVENTS = "SELECT * FROM job_events WHERE job_id = $1 ORDER BY id";

// Byte order, as SQLite sorts: the database's collation must not change what stats() returns.
export const COUNTS = `SELECT kind, status, count(*)::int AS count FROM jobs GROUP BY kind, status
  ORDER BY kind COLLATE "C", status COLLATE "C"`;
