-- Bulk outreach: one template to many recipients (rows of `notifications` with campaign_id), paced.
CREATE TABLE campaigns (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  template_id INTEGER REFERENCES notify_templates (id) ON DELETE SET NULL,
  -- The template text when the campaign was made: recipients are validated against it, so it does not change under them.
  text TEXT NOT NULL,
  variables TEXT NOT NULL CHECK (json_valid(variables)),
  agent TEXT NOT NULL,
  -- {timeZone?, start?, end?, quietDays?, holidays?}
  window_spec TEXT CHECK (window_spec IS NULL OR json_valid(window_spec)),
  calls_per_second REAL NOT NULL CHECK (calls_per_second > 0),
  max_concurrent INTEGER NOT NULL CHECK (max_concurrent > 0),
  disclosure TEXT,
  menu TEXT CHECK (menu IS NULL OR json_valid(menu)),
  amd INTEGER NOT NULL CHECK (amd IN (0, 1)),
  status TEXT NOT NULL CHECK (status IN ('draft', 'running', 'paused', 'cancelled', 'finished')),
  -- Each start or resume begins a new generation of campaign.tick jobs; an older tick seeing a newer number stops.
  tick_seq INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  started_at INTEGER,
  finished_at INTEGER
) STRICT;
CREATE INDEX campaigns_status ON campaigns (status, id);
