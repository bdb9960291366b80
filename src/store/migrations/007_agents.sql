-- Agents created through the API (agents/*.yaml files are read at start and are read-only).
CREATE TABLE agents (
  name TEXT PRIMARY KEY,
  definition TEXT NOT NULL CHECK (json_valid(definition)),
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;
