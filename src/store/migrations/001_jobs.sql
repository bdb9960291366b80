-- The durable job queue (src/jobs). Times are milliseconds since the epoch,
-- taken from the queue's injected Clock, never from SQLite's own clock.
CREATE TABLE jobs (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,
  payload TEXT NOT NULL CHECK (json_valid(payload)),
  -- queued: waiting for run_at; running: leased to locked_by until lease_until;
  -- failed: the last attempt failed and a retry waits for run_at;
  -- succeeded, dead (attempts used up or a non-retryable error), cancelled: final.
  status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'failed', 'succeeded', 'dead', 'cancelled')),
  priority INTEGER NOT NULL DEFAULT 0,
  run_at INTEGER NOT NULL,
  -- Attempts are counted when claimed, so a job that crashes its worker each time still dies after max_attempts.
  attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  max_attempts INTEGER NOT NULL CHECK (max_attempts >= 1),
  idempotency_key TEXT,
  locked_by TEXT,
  lease_until INTEGER,
  last_error TEXT CHECK (last_error IS NULL OR json_valid(last_error)),
  result TEXT CHECK (result IS NULL OR json_valid(result)),
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  started_at INTEGER,
  finished_at INTEGER,
  CHECK ((status = 'running') = (locked_by IS NOT NULL AND lease_until IS NOT NULL))
) STRICT;

-- Idempotency is per kind: the same audio hash may key a voicemail job and a notification job.
-- NULL keys never collide (SQLite treats NULLs as distinct in unique indexes).
CREATE UNIQUE INDEX jobs_idempotency ON jobs (kind, idempotency_key);

-- Claim paths: one seek per kind (and status) in claim order, never a sort of the backlog.
-- The priority order has a partial index: finished jobs, most rows in time, are not in it.
-- jobs_kind_status serves the rest. Waiting jobs have no lease (see the CHECK above), so
-- (kind, status, NULL) entries are in rowid order: walked backwards, the newest order.
-- (kind, 'running', lease_until) finds expired leases; (kind, status) gives stats() and listing.
-- Every index is written on every state change, so there are only these two.
CREATE INDEX jobs_ready_priority ON jobs (kind, priority DESC, run_at, id) WHERE status IN ('queued', 'failed');
CREATE INDEX jobs_kind_status ON jobs (kind, status, lease_until);
