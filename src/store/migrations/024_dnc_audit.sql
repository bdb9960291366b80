-- Who put a number on the do-not-call list or took it off, when and why: every add and removal, whatever made it
-- (an operator in the console, an API key, a CSV import, a recipient opting out on a notification's call).
CREATE TABLE dnc_audit (
  id INTEGER PRIMARY KEY,
  number TEXT NOT NULL,
  action TEXT NOT NULL CHECK (action IN ('added', 'removed')),
  -- api, console, import, opt-out-dtmf, opt-out-speech
  source TEXT NOT NULL,
  -- "operator ops", "key 3 (ci)", "notification 12": who did it, as the console shows it.
  actor TEXT NOT NULL,
  reason TEXT,
  -- The notification (and its campaign) a recipient opted out on.
  notification_id INTEGER,
  campaign_id INTEGER,
  created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX dnc_audit_number ON dnc_audit (number, id);
CREATE INDEX dnc_audit_source ON dnc_audit (source, id);

-- The webhook.deliver job each attempt belongs to: the console shows a delivery's status and next retry, and retries it.
ALTER TABLE webhook_deliveries ADD COLUMN job_id INTEGER;
CREATE INDEX webhook_deliveries_job ON webhook_deliveries (job_id);
