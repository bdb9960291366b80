import type { SqlStore } from "../sql/port.js";

export interface VoicemailCount {
  status: string;
  /** 1..5, or null when not triaged (yet). */
  urgency: number | null;
  count: number;
}

/**
 * Counts over `voicemails` for dashboards and metrics (the inbox backlog by status and urgency). On the SQL port:
 * with `store.url` they count every node's messages.
 */
export class VoicemailStatsRepo {
  constructor(private readonly sql: SqlStore) {}

  async counts(): Promise<VoicemailCount[]> {
    const rows = await this.sql.all<{ status: string; urgency: number | null; n: number }>(
      "SELECT status, urgency, count(*) AS n FROM voicemails GROUP BY status, urgency",
    );
    return rows.map((r) => ({ status: r.status, urgency: r.urgency, count: r.n }));
  }

  /** The most used tags, for the inbox's tag suggestions. */
  async topTags(limit = 50): Promise<string[]> {
    // Tags are a JSON array of text; each engine has its own way to read its elements.
    const tags =
      this.sql.dialect === "postgres"
        ? "SELECT t.value AS tag, count(*) AS n FROM voicemails, jsonb_array_elements_text(voicemails.tags::jsonb) AS t (value) GROUP BY t.value ORDER BY n DESC, t.value LIMIT ?"
        : "SELECT value AS tag, count(*) AS n FROM voicemails, json_each(voicemails.tags) GROUP BY value ORDER BY n DESC, value LIMIT ?";
    return (await this.sql.all<{ tag: string }>(tags, [limit])).map((r) => r.tag);
  }

  async mailboxes(): Promise<string[]> {
    const rows = await this.sql.all<{ mailbox: string }>(
      "SELECT DISTINCT mailbox FROM voicemails WHERE mailbox IS NOT NULL ORDER BY mailbox LIMIT 200",
    );
    return rows.map((r) => r.mailbox);
  }
}
