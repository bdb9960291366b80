-- Which process is handing a recording of a watched folder on now (src/intake/folders). One node alone never
-- contends for a claim; on PostgreSQL (store.url, src/store/sql/postgres-migrations/008) nodes watching one shared
-- spool do, and the claim makes exactly one of them take each recording. A claim whose lease ran out (its node
-- died mid hand-off) may be taken over; a hand-off that ends drops its claim.
CREATE TABLE intake_claims (
  sha256 TEXT PRIMARY KEY,
  owner TEXT NOT NULL,
  expires_at INTEGER NOT NULL
) STRICT;

-- Survey answers (src/calls/survey), each stored by the node that ran the survey (on PostgreSQL, 008, in the store
-- all nodes share). They were read from the survey.response events by JSON queries until now; a table of their
-- own is read the same way on both engines, by an index. The answers given so far are copied from the events,
-- under their event ids.
CREATE TABLE survey_responses (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  survey TEXT NOT NULL,
  agent TEXT NOT NULL,
  call_id INTEGER,
  -- 1-5, or null when the caller gave none (a rating outside 1-5 is kept, and not counted as rated).
  rating INTEGER,
  comment TEXT,
  -- dtmf, voice or none
  channel TEXT NOT NULL,
  -- The survey.response event that announced it.
  event_id INTEGER,
  created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX survey_responses_survey ON survey_responses (survey, id);
INSERT INTO survey_responses (id, survey, agent, call_id, rating, comment, channel, event_id, created_at)
SELECT
  id,
  coalesce(json_extract(data, '$.survey'), ''),
  coalesce(json_extract(data, '$.agent'), ''),
  json_extract(data, '$.callId'),
  json_extract(data, '$.rating'),
  json_extract(data, '$.comment'),
  coalesce(json_extract(data, '$.channel'), 'none'),
  id,
  created_at
FROM events
WHERE type = 'survey.response';
