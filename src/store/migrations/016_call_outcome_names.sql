-- One style for every outcome name (snake_case, as notifications, statuses and error codes already were):
-- call outcomes written before this version used hyphens (caller-hangup, no-answer, ...).
UPDATE calls SET outcome = replace(outcome, '-', '_') WHERE outcome LIKE '%-%';
