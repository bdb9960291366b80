-- One outbound message to one recipient (alone, or as a campaign's recipient), and every dial made
-- for notifications and callbacks (the per-day cap counts these).
CREATE TABLE notifications (
  id INTEGER PRIMARY KEY,
  campaign_id INTEGER REFERENCES campaigns (id) ON DELETE CASCADE,
  -- The campaign upload's row (line of the CSV, index of the JSON array).
  row_no INTEGER,
  -- E.164, or a SIP URI.
  to_number TEXT NOT NULL,
  agent TEXT NOT NULL,
  template_id INTEGER REFERENCES notify_templates (id) ON DELETE SET NULL,
  text TEXT NOT NULL,
  variables TEXT NOT NULL CHECK (json_valid(variables)),
  menu TEXT CHECK (menu IS NULL OR json_valid(menu)),
  disclosure TEXT,
  window_spec TEXT CHECK (window_spec IS NULL OR json_valid(window_spec)),
  time_zone TEXT NOT NULL,
  amd INTEGER NOT NULL CHECK (amd IN (0, 1)),
  -- pending: a campaign recipient waiting for the pacer; scheduled: a notify.deliver job waits; calling: on the line.
  status TEXT NOT NULL CHECK (status IN ('pending', 'scheduled', 'calling', 'completed', 'failed', 'rejected_dnc', 'cancelled')),
  -- The last attempt's outcome (delivered_human, delivered_voicemail, no_answer, busy, failed, opted_out, rejected_dnc).
  outcome TEXT,
  choice TEXT,
  digits TEXT,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER,
  -- Bumped whenever a delivery is (re)scheduled: a notify.deliver job carrying an older number is stale.
  schedule_seq INTEGER NOT NULL DEFAULT 0,
  job_id INTEGER,
  last_call_id INTEGER,
  idempotency_key TEXT UNIQUE,
  error TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  finished_at INTEGER
) STRICT;
CREATE INDEX notifications_campaign ON notifications (campaign_id, status, next_attempt_at);
CREATE INDEX notifications_status ON notifications (status, id);

CREATE TABLE outbound_attempts (
  id INTEGER PRIMARY KEY,
  -- The number as dialled (normalised), for the per-day cap.
  number TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('notification', 'callback')),
  notification_id INTEGER REFERENCES notifications (id) ON DELETE CASCADE,
  job_id INTEGER,
  attempt INTEGER NOT NULL,
  -- 0 when no call was placed (rejected_dnc); only dials count against the cap.
  dialed INTEGER NOT NULL CHECK (dialed IN (0, 1)),
  outcome TEXT,
  choice TEXT,
  digits TEXT,
  -- {verdict, greetingMs, reason}
  amd TEXT CHECK (amd IS NULL OR json_valid(amd)),
  call_id INTEGER,
  started_at INTEGER NOT NULL,
  duration_ms INTEGER,
  next_attempt_at INTEGER,
  error TEXT
) STRICT;
CREATE INDEX outbound_attempts_number ON outbound_attempts (number, started_at);
CREATE INDEX outbound_attempts_notification ON outbound_attempts (notification_id, id);
