-- Console operators and sessions (src/store/migrations/026_console_identity), column for column, so every node
-- signs in the same operators with one secret and a logout on one node ends the session on all.
CREATE TABLE operators (
  name TEXT PRIMARY KEY,
  password_hash TEXT NOT NULL,
  created_at BIGINT NOT NULL
);

CREATE TABLE console_revocations (
  sid TEXT PRIMARY KEY,
  expires_at BIGINT NOT NULL
);

-- PostgreSQL only: the key that signs console cookies, one row made by whichever node comes first (a SQLite node
-- keeps its <dataDir>/console-secret file). Deleting the row and restarting the nodes logs every operator out.
CREATE TABLE console_secret (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  secret TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
