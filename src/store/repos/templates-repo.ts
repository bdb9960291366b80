import type { SqlExecutor } from "../sql/port.js";

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

/** Whether an insert or update failed on the unique name: SQLite's and PostgreSQL's (23505) error codes. */
export function isDuplicateTemplateName(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  return code === "SQLITE_CONSTRAINT_UNIQUE" || code === "23505";
}

/**
 * The `notify_templates` table, on the SQL port (shared by the nodes with `store.url`). A duplicate name throws the
 * engine's unique error (`isDuplicateTemplateName`); the API turns it into a 409.
 */
export class TemplatesRepo {
  constructor(private readonly sql: SqlExecutor) {}

  async insert(
    t: { name: string; text: string; variables: string[]; description: string },
    now: number,
  ): Promise<TemplateRecord> {
    const r = await this.sql.get<Row>(
      `INSERT INTO notify_templates (name, text, variables, description, created_at, updated_at)
        VALUES (?, ?, ?, ?, ?, ?) RETURNING *`,
      [t.name, t.text, JSON.stringify(t.variables), t.description, now, now],
    );
    return toTemplate(r!);
  }

  async get(id: number): Promise<TemplateRecord | null> {
    const r = await this.sql.get<Row>("SELECT * FROM notify_templates WHERE id = ?", [id]);
    return r ? toTemplate(r) : null;
  }

  async byName(name: string): Promise<TemplateRecord | null> {
    const r = await this.sql.get<Row>("SELECT * FROM notify_templates WHERE name = ?", [name]);
    return r ? toTemplate(r) : null;
  }

  /** Newest first, ids below `before`. */
  async list(o: { before?: number | undefined; limit: number }): Promise<TemplateRecord[]> {
    const rows = await this.sql.all<Row>("SELECT * FROM notify_templates WHERE id < ? ORDER BY id DESC LIMIT ?", [
      o.before ?? Number.MAX_SAFE_INTEGER,
      o.limit,
    ]);
    return rows.map(toTemplate);
  }

  /** Null when the template is gone. */
  async update(t: Omit<TemplateRecord, "createdAt" | "updatedAt">, now: number): Promise<TemplateRecord | null> {
    const r = await this.sql.get<Row>(
      `UPDATE notify_templates SET name = ?, text = ?, variables = ?, description = ?, updated_at = ?
        WHERE id = ? RETURNING *`,
      [t.name, t.text, JSON.stringify(t.variables), t.description, now, t.id],
    );
    return r ? toTemplate(r) : null;
  }

  async remove(id: number): Promise<boolean> {
    return (await this.sql.run("DELETE FROM notify_templates WHERE id = ?", [id])).changes > 0;
  }
}
