-- Which process is handing a recording of a watched folder on now (src/intake/folders). One node alone never
-- contends for a claim; on PostgreSQL (store.url, src/store/sql/postgres-migrations/006) nodes watching one shared
-- spool do, and the claim makes exactly one of them take each recording. A claim whose lease ran out (its node
-- died mid hand-off) may be taken over; a hand-off that ends drops its claim.
CREATE TABLE intake_claims (
  sha256 TEXT PRIMARY KEY,
  owner TEXT NOT NULL,
  expires_at INTEGER NOT NULL
) STRICT;
