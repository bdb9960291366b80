-- API keys for /v1. Only a SHA-256 of the secret part is stored; the key is
-- shown once, when created. Looked up by its public id (the part before the secret).
CREATE TABLE api_keys (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  secret_hash TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  last_used_at INTEGER,
  revoked_at INTEGER
) STRICT;
