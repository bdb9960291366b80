-- The do-not-call list: numbers (E.164, or a SIP URI when the recipient has no number) never dialled.
CREATE TABLE dnc_numbers (
  number TEXT PRIMARY KEY,
  -- api, import, opt-out-dtmf, opt-out-speech
  source TEXT NOT NULL,
  reason TEXT,
  created_at INTEGER NOT NULL
) STRICT;
