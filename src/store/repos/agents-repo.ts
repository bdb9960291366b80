import type { Database, Statement } from "better-sqlite3";

interface Row {
  name: string;
  definition: string;
  created_at: number;
  updated_at: number;
}

/** Agents created through the API, stored as their validated JSON definition. */
export class AgentsRepo {
  private readonly allStmt: Statement<[], Row>;
  private readonly upsertStmt: Statement<[string, string, number, number]>;
  private readonly deleteStmt: Statement<[string]>;

  constructor(db: Database) {
    this.allStmt = db.prepare("SELECT * FROM agents ORDER BY name");
    this.upsertStmt = db.prepare(
      "INSERT INTO agents (name, definition, created_at, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT (name) DO UPDATE SET definition = excluded.definition, updated_at = excluded.updated_at",
    );
    this.deleteStmt = db.prepare("DELETE FROM agents WHERE name = ?");
  }

  all(): { name: string; definition: unknown; updatedAt: number }[] {
    return this.allStmt
      .all()
      .map((r) => ({ name: r.name, definition: JSON.parse(r.definition) as unknown, updatedAt: r.updated_at }));
  }

  upsert(name: string, definition: unknown, now: number): void {
    this.upsertStmt.run(name, JSON.stringify(definition), now, now);
  }

  delete(name: string): boolean {
    return this.deleteStmt.run(name).changes > 0;
  }
}
