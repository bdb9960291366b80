-- Live calls: one row per call, its turns, and the per-turn latency breakdown.
CREATE TABLE calls (
  id INTEGER PRIMARY KEY,
  sip_call_id TEXT NOT NULL,
  direction TEXT NOT NULL CHECK (direction IN ('inbound', 'outbound')),
  from_uri TEXT NOT NULL,
  to_uri TEXT NOT NULL,
  -- The caller's number (inbound) or the number dialled (outbound), for people and callbacks.
  remote_number TEXT,
  agent TEXT NOT NULL,
  started_at INTEGER NOT NULL,
  answered_at INTEGER,
  ended_at INTEGER,
  -- caller-hangup, agent-hangup, transferred, message-taken, callback-scheduled, silence-timeout,
  -- max-duration, failed, rejected, no-answer, busy
  outcome TEXT,
  recording_path TEXT,
  rtp_stats TEXT CHECK (rtp_stats IS NULL OR json_valid(rtp_stats)),
  summary TEXT CHECK (summary IS NULL OR json_valid(summary)),
  -- What started the call: an outbound job, a notification, a campaign (JSON, free form).
  context TEXT CHECK (context IS NULL OR json_valid(context)),
  voicemail_id INTEGER REFERENCES voicemails (id) ON DELETE SET NULL
) STRICT;
CREATE INDEX calls_started ON calls (started_at);
CREATE INDEX calls_outcome ON calls (outcome, id);

CREATE TABLE call_turns (
  call_id INTEGER NOT NULL REFERENCES calls (id) ON DELETE CASCADE,
  idx INTEGER NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('user', 'agent')),
  text TEXT NOT NULL,
  source TEXT,
  at INTEGER NOT NULL,
  interrupted INTEGER NOT NULL DEFAULT 0 CHECK (interrupted IN (0, 1)),
  tool_calls TEXT CHECK (tool_calls IS NULL OR json_valid(tool_calls)),
  -- {endpointMs, asrFinalMs, llmFirstTokenMs, ttsFirstAudioMs, firstRtpMs}, from the caller's last word
  timing TEXT CHECK (timing IS NULL OR json_valid(timing)),
  PRIMARY KEY (call_id, idx)
) STRICT;
