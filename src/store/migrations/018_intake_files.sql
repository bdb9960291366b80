-- Watched spool folders (src/intake/folders): each recording is handed on once, across restarts. A recording is
-- known by its content (a PBX renumbers msg0001 to msg0000 when an earlier message goes), and where it was last
-- seen (path, size, mtime) lets a scan skip it without reading it again.
CREATE TABLE intake_files (
  sha256 TEXT PRIMARY KEY,
  folder TEXT NOT NULL,
  path TEXT NOT NULL,
  size INTEGER NOT NULL,
  mtime_ms INTEGER NOT NULL,
  -- handed: the voicemail handler took it; rejected: refused for good (not audio, too long), never retried
  status TEXT NOT NULL CHECK (status IN ('handed', 'rejected')),
  error TEXT,
  taken_at INTEGER NOT NULL
) STRICT;
CREATE INDEX intake_files_folder_path ON intake_files (folder, path);

-- When each folder was first watched: files whose mtime is older were there before and are left alone (unless
-- the folder is configured to backfill, which records 0).
CREATE TABLE intake_folders (
  folder TEXT PRIMARY KEY,
  baseline_ms INTEGER NOT NULL,
  created_at INTEGER NOT NULL
) STRICT;
