-- The pacer's next release (ms since the epoch; 0 before the first), kept on the campaign's row rather than in the
-- tick job's memory: each release takes the slot and moves it one interval on, so a campaign's rate holds whichever
-- process (or node, on PostgreSQL) runs its next tick.
ALTER TABLE campaigns ADD COLUMN next_release_at INTEGER NOT NULL DEFAULT 0;
