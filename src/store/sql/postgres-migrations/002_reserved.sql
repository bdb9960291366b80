-- Placeholder for engineer A's migration 002 (issue 12): this branch needs 004 and the runner refuses gaps.
-- Delete this file when A's 002 is merged.
SELECT 1;
