-- Every saved definition of an API agent, numbered per agent (1 = as created): the console's and the API's version
-- history (list, view, diff, restore). Who saved it ("operator ops", "key 3") and when. Agents saved before this
-- migration start their history with their current definition, by an unknown hand (saved_by NULL).
-- A restore is a new version that names the one it copied (restored_from).
CREATE TABLE agent_versions (
  agent TEXT NOT NULL,
  version INTEGER NOT NULL CHECK (version >= 1),
  definition TEXT NOT NULL CHECK (json_valid(definition)),
  saved_by TEXT,
  saved_at INTEGER NOT NULL,
  restored_from INTEGER,
  PRIMARY KEY (agent, version)
) STRICT;
INSERT INTO agent_versions (agent, version, definition, saved_by, saved_at)
  SELECT name, 1, definition, NULL, updated_at FROM agents;
