-- Long calls: a turn that failed (the caller heard the fallback line) is recorded as failed, not interrupted,
-- with where it failed; an LLM turn records how its prompt fit the model's context (and whether older
-- turns were left out), for diagnosing long calls.
ALTER TABLE call_turns ADD COLUMN failed INTEGER NOT NULL DEFAULT 0 CHECK (failed IN (0, 1));
-- {stage: context | llm | tool | tts | internal, message}
ALTER TABLE call_turns ADD COLUMN failure TEXT CHECK (failure IS NULL OR json_valid(failure));
-- {promptTokens, limit, fitMs, trimmed?: {tokensBefore, leftOut, keptToolResults}}
ALTER TABLE call_turns ADD COLUMN context_fit TEXT CHECK (context_fit IS NULL OR json_valid(context_fit));
