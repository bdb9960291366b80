-- Rendered speech, content-addressed: one row per (text, voice, TTS model, parameters), the audio
-- itself an 8 kHz PCM16 WAV under <dataDir>/tts-cache/. A row is never updated in place: a new
-- voice, model or text is a new key.
CREATE TABLE tts_cache (
  key TEXT PRIMARY KEY,
  model_id TEXT NOT NULL,
  -- {speakerId, speed}
  voice TEXT NOT NULL CHECK (json_valid(voice)),
  text TEXT NOT NULL,
  -- Relative to <dataDir>/tts-cache.
  path TEXT NOT NULL,
  samples INTEGER NOT NULL,
  render_ms INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  last_used_at INTEGER NOT NULL,
  hits INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX tts_cache_last_used ON tts_cache (last_used_at);
