-- The callback a voicemail's routing queued, as the inbox shows it: when it was asked for, when it will be
-- placed, and why later (outside the callback hours, a quiet day, the daily cap). {jobId, requestedAt, at, delay}.
ALTER TABLE voicemails ADD COLUMN callback TEXT CHECK (callback IS NULL OR json_valid(callback));
