-- The repositories' tables on PostgreSQL (store.url), column for column those of src/store/migrations
-- (003_api_keys, 007_agents, 025_agent_versions), so one repository's SQL runs on both engines. Times are
-- milliseconds since the epoch from the injected Clock (BIGINT), never the server's now().
CREATE TABLE api_keys (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  secret_hash TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  last_used_at BIGINT,
  revoked_at BIGINT
);

-- Definitions stay JSON text, as on SQLite; the cast refuses text that is not JSON, as json_valid does there.
CREATE TABLE agents (
  name TEXT PRIMARY KEY,
  definition TEXT NOT NULL CHECK (definition::jsonb IS NOT NULL),
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);

CREATE TABLE agent_versions (
  agent TEXT NOT NULL,
  version INTEGER NOT NULL CHECK (version >= 1),
  definition TEXT NOT NULL CHECK (definition::jsonb IS NOT NULL),
  saved_by TEXT,
  saved_at BIGINT NOT NULL,
  restored_from INTEGER,
  PRIMARY KEY (agent, version)
);
