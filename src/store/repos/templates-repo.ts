import type { Database, Statement } from "better-sqlite3";

/** A `notify_templates` row. */
export interface TemplateRecord {
  id: number;
  name: string;
  text: string;
  variables: string[];
  description: string;
  createdAt: number;
  updatedAt: number;
}

type Row = Record<string, unknown>;

const toTemplate = (r: Row): TemplateRecord => ({
  id: r.id as number,
  name: r.name as string,
  text: r.text as string,
  variables: JSON.parse(r.variables as string) as string[],
  description: r.description as string,
  createdAt: r.created_at as number,
  updatedAt: r.updated_at as number,
});

/** The `notify_templates` table. A duplicate name throws SQLite's UNIQUE error; the API turns it into a 409. */
export class TemplatesRepo {
  private readonly s: Record<"insert" | "get" | "byName" | "list" | "update" | "remove", Statement>;

  constructor(db: Database) {
    this.s = {
      insert: db.prepare(`INSERT INTO notify_templates (name, text, variables, description, created_at, updated_at)
        VALUES (@name, @text, @variables, @description, @now, @now) RETURNING *`),
      get: db.prepare("SELECT * FROM notify_templates WHERE id = ?"),
      byName: db.prepare("SELECT * FROM notify_templates WHERE name = ?"),
      list: db.prepare("SELECT * FROM notify_templates WHERE id < @before ORDER BY id DESC LIMIT @limit"),
      update:
        db.prepare(`UPDATE notify_templates SET name = @name, text = @text, variables = @variables, description = @description, updated_at = @now
        WHERE id = @id RETURNING *`),
      remove: db.prepare("DELETE FROM notify_templates WHERE id = ?"),
    };
  }

  insert(t: { name: string; text: string; variables: string[]; description: string }, now: number): TemplateRecord {
    return toTemplate(this.s.insert.get({ ...t, variables: JSON.stringify(t.variables), now }) as Row);
  }

  get(id: number): TemplateRecord | null {
    const r = this.s.get.get(id) as Row | undefined;
    return r ? toTemplate(r) : null;
  }

  byName(name: string): TemplateRecord | null {
    const r = this.s.byName.get(name) as Row | undefined;
    return r ? toTemplate(r) : null;
  }

  /** Newest first, ids below `before`. */
  list(o: { before?: number | undefined; limit: number }): TemplateRecord[] {
    return (this.s.list.all({ before: o.before ?? Number.MAX_SAFE_INTEGER, limit: o.limit }) as Row[]).map(toTemplate);
  }

  update(t: Omit<TemplateRecord, "createdAt" | "updatedAt">, now: number): TemplateRecord {
    return toTemplate(this.s.update.get({ ...t, variables: JSON.stringify(t.variables), now }) as Row);
  }

  remove(id: number): boolean {
    return this.s.remove.run(id).changes > 0;
  }
}
