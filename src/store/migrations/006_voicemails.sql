-- Recordings are stored once, by the SHA-256 of their bytes (files under <dataDir>/audio).
CREATE TABLE audio_blobs (
  sha256 TEXT PRIMARY KEY,
  path TEXT NOT NULL,
  bytes INTEGER NOT NULL,
  content_type TEXT NOT NULL,
  duration_ms INTEGER NOT NULL,
  created_at INTEGER NOT NULL
) STRICT;

-- Voicemails and voice-form messages. Pipeline states: queued, processing, processed, silent, failed;
-- operator and routing states: escalated, handled, archived.
CREATE TABLE voicemails (
  id INTEGER PRIMARY KEY,
  -- One message per recording: a second upload of the same audio finds this row.
  audio_sha256 TEXT NOT NULL UNIQUE REFERENCES audio_blobs (sha256),
  agent TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('voicemail', 'form')),
  mailbox TEXT,
  caller TEXT,
  received_at INTEGER NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('queued', 'processing', 'processed', 'silent', 'failed', 'escalated', 'handled', 'archived')),
  duration_ms INTEGER NOT NULL,
  speech_ms INTEGER,
  transcript TEXT,
  summary TEXT,
  caller_name TEXT,
  callback_number TEXT,
  category TEXT,
  tags TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(tags)),
  urgency INTEGER CHECK (urgency IS NULL OR urgency BETWEEN 1 AND 5),
  urgency_reason TEXT,
  sentiment TEXT,
  action TEXT,
  -- Voice forms: {values, missing, invalid}; the full extraction and routing decision, for audit.
  form TEXT CHECK (form IS NULL OR json_valid(form)),
  extraction TEXT CHECK (extraction IS NULL OR json_valid(extraction)),
  routing TEXT CHECK (routing IS NULL OR json_valid(routing)),
  error TEXT,
  job_id INTEGER,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  processed_at INTEGER
) STRICT;
CREATE INDEX voicemails_list ON voicemails (status, id);
CREATE INDEX voicemails_mailbox ON voicemails (mailbox, id);
CREATE INDEX voicemails_urgency ON voicemails (urgency, id);
CREATE INDEX voicemails_received ON voicemails (received_at);
