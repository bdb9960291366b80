-- Domain events (voicemail.processed, voicemail.urgent, form.submitted, job.dead, ...):
-- the audit trail, the source of the SSE stream (resumable by id), and what webhooks deliver.
CREATE TABLE events (
  id INTEGER PRIMARY KEY,
  type TEXT NOT NULL,
  -- What the event is about, e.g. voicemail:42; lets the console show an item's history.
  subject TEXT,
  data TEXT NOT NULL CHECK (json_valid(data)),
  created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX events_subject ON events (subject, id);
CREATE INDEX events_type ON events (type, id);
