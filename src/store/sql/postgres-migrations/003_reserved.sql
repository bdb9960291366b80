-- Placeholder for engineer B's migration 003 (issue 12): this branch needs 004 and the runner refuses gaps.
-- Delete this file when B's 003 is merged.
SELECT 1;
