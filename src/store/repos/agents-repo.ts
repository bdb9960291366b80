import type { Database, Statement } from "better-sqlite3";

interface Row {
  name: string;
  definition: string;
  created_at: number;
  updated_at: number;
}

interface VersionRow {
  agent: string;
  version: number;
  definition: string;
  saved_by: string | null;
  saved_at: number;
  restored_from: number | null;
}

/** One saved definition of an API agent (agent_versions, migration 025). */
export interface AgentVersion {
  version: number;
  definition: unknown;
  /** Who saved it ("operator ops", "key 3"); null for a definition saved before versions were kept. */
  savedBy: string | null;
  savedAt: number;
  /** The version this one copied back, when it was a restore. */
  restoredFrom: number | null;
}

export type AgentVersionSummary = Omit<AgentVersion, "definition">;

/**
 * Agents created through the API, stored as their validated JSON definition, and every definition each one was
 * saved with (its version history). A save writes both in one transaction, so the latest version is always the
 * stored definition.
 */
export class AgentsRepo {
  private readonly allStmt: Statement<[], Row>;
  private readonly upsertStmt: Statement<[string, string, number, number]>;
  private readonly deleteStmt: Statement<[string]>;
  private readonly deleteVersionsStmt: Statement<[string]>;
  private readonly lastVersionStmt: Statement<[string], { v: number | null }>;
  private readonly addVersionStmt: Statement<[string, number, string, string | null, number, number | null]>;
  private readonly versionsStmt: Statement<[string], VersionRow>;
  private readonly versionStmt: Statement<[string, number], VersionRow>;
  private readonly saveTx: (
    name: string,
    definition: string,
    now: number,
    by: string | null,
    restoredFrom: number | null,
  ) => number;

  constructor(db: Database) {
    this.allStmt = db.prepare("SELECT * FROM agents ORDER BY name");
    this.upsertStmt = db.prepare(
      "INSERT INTO agents (name, definition, created_at, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT (name) DO UPDATE SET definition = excluded.definition, updated_at = excluded.updated_at",
    );
    this.deleteStmt = db.prepare("DELETE FROM agents WHERE name = ?");
    this.deleteVersionsStmt = db.prepare("DELETE FROM agent_versions WHERE agent = ?");
    this.lastVersionStmt = db.prepare("SELECT max(version) AS v FROM agent_versions WHERE agent = ?");
    this.addVersionStmt = db.prepare(
      "INSERT INTO agent_versions (agent, version, definition, saved_by, saved_at, restored_from) VALUES (?, ?, ?, ?, ?, ?)",
    );
    this.versionsStmt = db.prepare("SELECT * FROM agent_versions WHERE agent = ? ORDER BY version DESC");
    this.versionStmt = db.prepare("SELECT * FROM agent_versions WHERE agent = ? AND version = ?");
    this.saveTx = db.transaction((name, definition, now, by, restoredFrom) => {
      this.upsertStmt.run(name, definition, now, now);
      const version = (this.lastVersionStmt.get(name)?.v ?? 0) + 1;
      this.addVersionStmt.run(name, version, definition, by, now, restoredFrom);
      return version;
    });
  }

  all(): { name: string; definition: unknown; updatedAt: number }[] {
    return this.allStmt
      .all()
      .map((r) => ({ name: r.name, definition: JSON.parse(r.definition) as unknown, updatedAt: r.updated_at }));
  }

  /** Stores the definition as the agent's current one and as its next version; returns that version's number. */
  save(
    name: string,
    definition: unknown,
    now: number,
    options: { by?: string | null; restoredFrom?: number | null } = {},
  ): number {
    return this.saveTx(name, JSON.stringify(definition), now, options.by ?? null, options.restoredFrom ?? null);
  }

  /** The agent's versions, newest first, without their definitions. */
  versions(name: string): AgentVersionSummary[] {
    return this.versionsStmt.all(name).map((r) => {
      const { definition: _d, ...summary } = toVersion(r);
      return summary;
    });
  }

  version(name: string, version: number): AgentVersion | null {
    const row = this.versionStmt.get(name, version);
    return row ? toVersion(row) : null;
  }

  /** Removes the agent and its history. */
  delete(name: string): boolean {
    this.deleteVersionsStmt.run(name);
    return this.deleteStmt.run(name).changes > 0;
  }
}

function toVersion(r: VersionRow): AgentVersion {
  return {
    version: r.version,
    definition: JSON.parse(r.definition) as unknown,
    savedBy: r.saved_by,
    savedAt: r.saved_at,
    restoredFrom: r.restored_from,
  };
}
