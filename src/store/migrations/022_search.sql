-- Full-text search over what is stored of voicemails (transcript, summary) and calls (the turns' words, the
-- summary's text). External-content FTS5 tables, so the text is held once, kept in step by the triggers below
-- and filled from the rows already there. Only stored columns are indexed: what privacy redaction scrubbed
-- before storing is never in the index, and a retention purge that clears a column removes it from the index.
CREATE VIRTUAL TABLE voicemails_fts USING fts5 (
  transcript, summary,
  content = 'voicemails', content_rowid = 'id',
  tokenize = 'porter unicode61 remove_diacritics 2'
);
CREATE TRIGGER voicemails_fts_insert AFTER INSERT ON voicemails BEGIN
  INSERT INTO voicemails_fts (rowid, transcript, summary) VALUES (new.id, new.transcript, new.summary);
END;
CREATE TRIGGER voicemails_fts_delete AFTER DELETE ON voicemails BEGIN
  INSERT INTO voicemails_fts (voicemails_fts, rowid, transcript, summary)
    VALUES ('delete', old.id, old.transcript, old.summary);
END;
CREATE TRIGGER voicemails_fts_update AFTER UPDATE OF transcript, summary ON voicemails BEGIN
  INSERT INTO voicemails_fts (voicemails_fts, rowid, transcript, summary)
    VALUES ('delete', old.id, old.transcript, old.summary);
  INSERT INTO voicemails_fts (rowid, transcript, summary) VALUES (new.id, new.transcript, new.summary);
END;
INSERT INTO voicemails_fts (voicemails_fts) VALUES ('rebuild');

-- One document per call: its turns' words in order, and the text fields of its summary (the extraction of
-- call.summarize: summary, urgency reason, category, tags; not its keys or token usage, so "usage" does not match
-- every call). A view is the content table (FTS5 cannot read table-valued functions such as json_tree through
-- one, hence the named fields); a change to a turn re-indexes its call: the BEFORE trigger removes the document
-- as it was indexed (the view still shows the old text), the AFTER trigger adds it as it is now.
CREATE VIEW calls_search_text AS
SELECT
  c.id AS id,
  (SELECT group_concat(t.text, ' ' ORDER BY t.idx) FROM call_turns t WHERE t.call_id = c.id) AS transcript,
  CASE WHEN json_valid(c.summary) AND json_type(c.summary) = 'object' THEN nullif(concat_ws(' ',
    json_extract(c.summary, '$.summary'), json_extract(c.summary, '$.urgency_reason'),
    json_extract(c.summary, '$.category'), replace(replace(replace(json_extract(c.summary, '$.tags'), '[', ''), ']', ''), '"', '')
  ), '') END AS summary
FROM calls c;

CREATE VIRTUAL TABLE calls_fts USING fts5 (
  transcript, summary,
  content = 'calls_search_text', content_rowid = 'id',
  tokenize = 'porter unicode61 remove_diacritics 2'
);
CREATE TRIGGER calls_fts_insert AFTER INSERT ON calls BEGIN
  INSERT INTO calls_fts (rowid, transcript, summary) SELECT id, transcript, summary FROM calls_search_text WHERE id = new.id;
END;
CREATE TRIGGER calls_fts_delete BEFORE DELETE ON calls BEGIN
  INSERT INTO calls_fts (calls_fts, rowid, transcript, summary)
    SELECT 'delete', id, transcript, summary FROM calls_search_text WHERE id = old.id;
END;
CREATE TRIGGER calls_fts_summary_before BEFORE UPDATE OF summary ON calls BEGIN
  INSERT INTO calls_fts (calls_fts, rowid, transcript, summary)
    SELECT 'delete', id, transcript, summary FROM calls_search_text WHERE id = old.id;
END;
CREATE TRIGGER calls_fts_summary_after AFTER UPDATE OF summary ON calls BEGIN
  INSERT INTO calls_fts (rowid, transcript, summary) SELECT id, transcript, summary FROM calls_search_text WHERE id = new.id;
END;
CREATE TRIGGER call_turns_fts_insert_before BEFORE INSERT ON call_turns BEGIN
  INSERT INTO calls_fts (calls_fts, rowid, transcript, summary)
    SELECT 'delete', id, transcript, summary FROM calls_search_text WHERE id = new.call_id;
END;
CREATE TRIGGER call_turns_fts_insert_after AFTER INSERT ON call_turns BEGIN
  INSERT INTO calls_fts (rowid, transcript, summary) SELECT id, transcript, summary FROM calls_search_text WHERE id = new.call_id;
END;
CREATE TRIGGER call_turns_fts_update_before BEFORE UPDATE OF text ON call_turns BEGIN
  INSERT INTO calls_fts (calls_fts, rowid, transcript, summary)
    SELECT 'delete', id, transcript, summary FROM calls_search_text WHERE id = old.call_id;
END;
CREATE TRIGGER call_turns_fts_update_after AFTER UPDATE OF text ON call_turns BEGIN
  INSERT INTO calls_fts (rowid, transcript, summary) SELECT id, transcript, summary FROM calls_search_text WHERE id = new.call_id;
END;
CREATE TRIGGER call_turns_fts_delete_before BEFORE DELETE ON call_turns BEGIN
  INSERT INTO calls_fts (calls_fts, rowid, transcript, summary)
    SELECT 'delete', id, transcript, summary FROM calls_search_text WHERE id = old.call_id;
END;
CREATE TRIGGER call_turns_fts_delete_after AFTER DELETE ON call_turns BEGIN
  INSERT INTO calls_fts (rowid, transcript, summary) SELECT id, transcript, summary FROM calls_search_text WHERE id = old.call_id;
END;
INSERT INTO calls_fts (calls_fts) VALUES ('rebuild');

-- The dashboard's latency plots read turns by time.
CREATE INDEX call_turns_at ON call_turns (at);
