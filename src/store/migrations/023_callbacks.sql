-- One row per callback someone was promised (a live call's schedule_callback, a voicemail routing rule, a
-- notification menu's "call me back"). Its `callback.place` jobs (the first, moves, retries, a reschedule) all
-- point here: the row is the callback's truth, so cancel and reschedule act on it in one transaction, and a job
-- that finds the row cancelled or pointing at another job does nothing.
CREATE TABLE callbacks (
  id INTEGER PRIMARY KEY,
  -- The job that started the chain; retries carry it as rootJobId.
  root_job_id INTEGER NOT NULL UNIQUE,
  -- The job that will place (or is placing) the next call.
  job_id INTEGER NOT NULL,
  -- upcoming: a job waits; calling: a job is dialling; placed: answered (or the message left); failed; cancelled.
  status TEXT NOT NULL CHECK (status IN ('upcoming', 'calling', 'placed', 'failed', 'cancelled')),
  to_number TEXT,
  agent TEXT NOT NULL,
  reason TEXT NOT NULL,
  source TEXT,
  call_id INTEGER,
  voicemail_id INTEGER,
  notification_id INTEGER,
  -- The callback.place payload, so a reschedule queues the same call.
  payload TEXT NOT NULL CHECK (json_valid(payload)),
  run_at INTEGER NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  last_outcome TEXT,
  -- The call that answered (placed).
  placed_call_id INTEGER,
  error TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  finished_at INTEGER
) STRICT;
CREATE INDEX callbacks_status ON callbacks (status, run_at, id);
CREATE INDEX callbacks_voicemail ON callbacks (voicemail_id) WHERE voicemail_id IS NOT NULL;
CREATE INDEX callbacks_call ON callbacks (call_id) WHERE call_id IS NOT NULL;

-- The rows of a campaign upload that were not imported, with the reason: results.csv lists them too.
CREATE TABLE campaign_rejected_rows (
  id INTEGER PRIMARY KEY,
  campaign_id INTEGER NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
  row_no INTEGER NOT NULL,
  to_number TEXT,
  reason TEXT NOT NULL,
  created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX campaign_rejected_rows_campaign ON campaign_rejected_rows (campaign_id, id);
