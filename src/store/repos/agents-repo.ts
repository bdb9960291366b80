import type { SqlStore } from "../sql/port.js";

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
 * stored definition. On the SQL port: with `store.url` the nodes share their agents.
 */
export class AgentsRepo {
  constructor(private readonly sql: SqlStore) {}

  async all(): Promise<{ name: string; definition: unknown; updatedAt: number }[]> {
    const rows = await this.sql.all<Row>("SELECT * FROM agents ORDER BY name");
    return rows.map((r) => ({
      name: r.name,
      definition: JSON.parse(r.definition) as unknown,
      updatedAt: r.updated_at,
    }));
  }

  /** Stores the definition as the agent's current one and as its next version; returns that version's number. */
  async save(
    name: string,
    definition: unknown,
    now: number,
    options: { by?: string | null; restoredFrom?: number | null } = {},
  ): Promise<number> {
    const json = JSON.stringify(definition);
    return this.sql.transaction(async (tx) => {
      // The upsert locks the agent's row first (PostgreSQL), so two nodes saving one agent number their versions in turn.
      await tx.run(
        "INSERT INTO agents (name, definition, created_at, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT (name) DO UPDATE SET definition = excluded.definition, updated_at = excluded.updated_at",
        [name, json, now, now],
      );
      const last = await tx.get<{ v: number | null }>("SELECT max(version) AS v FROM agent_versions WHERE agent = ?", [
        name,
      ]);
      const version = (last?.v ?? 0) + 1;
      await tx.run(
        "INSERT INTO agent_versions (agent, version, definition, saved_by, saved_at, restored_from) VALUES (?, ?, ?, ?, ?, ?)",
        [name, version, json, options.by ?? null, now, options.restoredFrom ?? null],
      );
      return version;
    });
  }

  /** The agent's versions, newest first, without their definitions. */
  async versions(name: string): Promise<AgentVersionSummary[]> {
    const rows = await this.sql.all<VersionRow>("SELECT * FROM agent_versions WHERE agent = ? ORDER BY version DESC", [
      name,
    ]);
    return rows.map((r) => {
      const { definition: _d, ...summary } = toVersion(r);
      return summary;
    });
  }

  async version(name: string, version: number): Promise<AgentVersion | null> {
    const row = await this.sql.get<VersionRow>("SELECT * FROM agent_versions WHERE agent = ? AND version = ?", [
      name,
      version,
    ]);
    return row ? toVersion(row) : null;
  }

  /** Removes the agent and its history. */
  async delete(name: string): Promise<boolean> {
    return this.sql.transaction(async (tx) => {
      await tx.run("DELETE FROM agent_versions WHERE agent = ?", [name]);
      return (await tx.run("DELETE FROM agents WHERE name = ?", [name])).changes > 0;
    });
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
