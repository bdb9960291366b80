-- Audit trail of the queue: one row per state change, written in the same
-- transaction as the change itself, so the trail and the jobs table never disagree.
CREATE TABLE job_events (
  id INTEGER PRIMARY KEY,
  job_id INTEGER NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
  at INTEGER NOT NULL,
  -- enqueued, claimed, succeeded, failed, dead, released, lease_expired, cancelled, requeued
  type TEXT NOT NULL,
  -- The job's attempt count after the change (claimed: the attempt that starts).
  attempt INTEGER NOT NULL,
  worker_id TEXT,
  detail TEXT CHECK (detail IS NULL OR json_valid(detail))
) STRICT;

CREATE INDEX job_events_job ON job_events (job_id, id);
