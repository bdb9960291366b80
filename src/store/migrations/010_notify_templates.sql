-- Message templates for notifications and campaigns: text with {variables}.
CREATE TABLE notify_templates (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  text TEXT NOT NULL,
  -- JSON array of the variable names the text uses, in order of first use.
  variables TEXT NOT NULL CHECK (json_valid(variables)),
  description TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;
