-- The watched spool folders' record on PostgreSQL (store.url), column for column that of src/store/migrations
-- (018_intake_files, 028_intake_claims), so nodes watching one shared spool take each recording once between them.
-- Times are milliseconds since the epoch (BIGINT), as elsewhere in this store.

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
