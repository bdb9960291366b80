-- Console operators and sessions in the store (they were <dataDir>/operators.json and per-process memory), so that
-- with store.url every node signs in the same operators and a logout on one node ends the session on all.
-- A node's existing operators.json is imported into this table once, when the console or the CLI first opens it
-- (console/auth/operators-file-import.ts), and kept beside as operators.json.imported.
CREATE TABLE operators (
  name TEXT PRIMARY KEY,
  -- scrypt, as console/auth/passwords.ts writes it; never the password.
  password_hash TEXT NOT NULL,
  created_at INTEGER NOT NULL
) STRICT;

-- Session ids logged out before their cookie expired; rows past expires_at are deleted on the next logout.
CREATE TABLE console_revocations (
  sid TEXT PRIMARY KEY,
  expires_at INTEGER NOT NULL
) STRICT;

