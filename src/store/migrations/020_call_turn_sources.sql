-- Knowledge base: an agent turn that searched the agent's documents records the chunks the model was given to
-- answer from, so the transcript shows the answer's sources.
-- [{chunkId, document, version, position, heading, excerpt}]
ALTER TABLE call_turns ADD COLUMN sources TEXT CHECK (sources IS NULL OR json_valid(sources));
