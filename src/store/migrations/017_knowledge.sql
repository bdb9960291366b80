-- The knowledge base: documents uploaded per agent, cut into chunks, each chunk indexed twice: full text
-- (FTS5, BM25) and embedding vectors (one per embedding model, compared with sqlite-vec's distance functions
-- when the extension loads). A re-upload replaces a document's chunks in one transaction.
CREATE TABLE knowledge_documents (
  id INTEGER PRIMARY KEY,
  agent TEXT NOT NULL,
  -- Unique per agent: uploading the same name again replaces the document.
  name TEXT NOT NULL,
  format TEXT NOT NULL CHECK (format IN ('markdown', 'text', 'html', 'pdf', 'docx')),
  -- Of the uploaded bytes; a re-upload of identical bytes changes nothing.
  sha256 TEXT NOT NULL CHECK (length(sha256) = 64),
  bytes INTEGER NOT NULL CHECK (bytes >= 0),
  -- Length of the extracted text.
  chars INTEGER NOT NULL CHECK (chars >= 0),
  chunk_count INTEGER NOT NULL CHECK (chunk_count >= 0),
  -- 1 on the first upload, +1 on each replacement: a citation names the version it quoted.
  version INTEGER NOT NULL DEFAULT 1,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  UNIQUE (agent, name)
) STRICT;

CREATE TABLE knowledge_chunks (
  id INTEGER PRIMARY KEY,
  document_id INTEGER NOT NULL REFERENCES knowledge_documents (id) ON DELETE CASCADE,
  -- The document's agent, copied so a search filters chunks without a join.
  agent TEXT NOT NULL,
  -- Order in the document, from 0.
  position INTEGER NOT NULL CHECK (position >= 0),
  -- The headings above the chunk, outermost first, joined by " > " ('' when none).
  heading TEXT NOT NULL DEFAULT '',
  text TEXT NOT NULL,
  UNIQUE (document_id, position)
) STRICT;
CREATE INDEX knowledge_chunks_agent ON knowledge_chunks (agent);

-- External-content FTS5 over the chunks, kept in step by the triggers below. Porter stemming ("opening"
-- finds "open"); diacritics folded.
CREATE VIRTUAL TABLE knowledge_fts USING fts5 (
  heading, text,
  content = 'knowledge_chunks', content_rowid = 'id',
  tokenize = 'porter unicode61 remove_diacritics 2'
);
CREATE TRIGGER knowledge_chunks_fts_insert AFTER INSERT ON knowledge_chunks BEGIN
  INSERT INTO knowledge_fts (rowid, heading, text) VALUES (new.id, new.heading, new.text);
END;
CREATE TRIGGER knowledge_chunks_fts_delete AFTER DELETE ON knowledge_chunks BEGIN
  INSERT INTO knowledge_fts (knowledge_fts, rowid, heading, text) VALUES ('delete', old.id, old.heading, old.text);
END;
CREATE TRIGGER knowledge_chunks_fts_update AFTER UPDATE OF heading, text ON knowledge_chunks BEGIN
  INSERT INTO knowledge_fts (knowledge_fts, rowid, heading, text) VALUES ('delete', old.id, old.heading, old.text);
  INSERT INTO knowledge_fts (rowid, heading, text) VALUES (new.id, new.heading, new.text);
END;

-- Embeddings: float32 little-endian, unit length. Keyed by model, so vectors of two models never mix and a
-- profile change re-embeds what its model lacks.
CREATE TABLE knowledge_vectors (
  chunk_id INTEGER NOT NULL REFERENCES knowledge_chunks (id) ON DELETE CASCADE,
  model TEXT NOT NULL,
  dims INTEGER NOT NULL CHECK (dims > 0),
  vector BLOB NOT NULL CHECK (length(vector) = 4 * dims),
  PRIMARY KEY (chunk_id, model)
) STRICT;
CREATE INDEX knowledge_vectors_model ON knowledge_vectors (model);
