-- Tables that each node kept in its SQLite file, moved to PostgreSQL (store.url) column for column: the watched
-- spool folders' record (018_intake_files, 028), so nodes watching one shared spool take each recording once
-- between them; the TTS cache's index (009_tts_cache), hits on every node. Times are milliseconds since the
-- epoch (BIGINT), as elsewhere in this store.

-- Recordings taken (handed to the voicemail feature) or refused for good, by content hash.
CREATE TABLE intake_files (
  sha256 TEXT PRIMARY KEY,
  folder TEXT NOT NULL,
  path TEXT NOT NULL,
  size BIGINT NOT NULL,
  mtime_ms BIGINT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('handed', 'rejected')),
  error TEXT,
  taken_at BIGINT NOT NULL
);
CREATE INDEX intake_files_folder_path ON intake_files (folder, path);

-- When each folder was first watched (by any node): older files were there before and are left alone.
CREATE TABLE intake_folders (
  folder TEXT PRIMARY KEY,
  baseline_ms BIGINT NOT NULL,
  created_at BIGINT NOT NULL
);

-- The node handing a recording on now, until its lease runs out.
CREATE TABLE intake_claims (
  sha256 TEXT PRIMARY KEY,
  owner TEXT NOT NULL,
  expires_at BIGINT NOT NULL
);

-- The index of rendered speech (src/store/migrations/009_tts_cache), whose files lie in the shared files.dir's
-- tts-cache folder: a phrase rendered on one node is a hit on every node. Content-addressed: a row is never
-- updated in place but for its use counts, and the first row of a key stands (two nodes rendering it at once).
CREATE TABLE tts_cache (
  key TEXT PRIMARY KEY,
  model_id TEXT NOT NULL,
  -- {speakerId, speed, language?}: JSON as TEXT, as on SQLite.
  voice TEXT NOT NULL CHECK (voice::jsonb IS NOT NULL),
  text TEXT NOT NULL,
  -- Relative to the tts-cache folder.
  path TEXT NOT NULL,
  samples BIGINT NOT NULL,
  render_ms BIGINT NOT NULL,
  created_at BIGINT NOT NULL,
  last_used_at BIGINT NOT NULL,
  hits BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX tts_cache_last_used ON tts_cache (last_used_at);
