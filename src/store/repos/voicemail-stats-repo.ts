import type { Database, Statement } from "better-sqlite3";

export interface VoicemailCount {
  status: string;
  /** 1..5, or null when not triaged (yet). */
  urgency: number | null;
  count: number;
}

/** Counts over `voicemails` for dashboards and metrics (the inbox backlog by status and urgency). */
export class VoicemailStatsRepo {
  private readonly countsStmt: Statement<[], { status: string; urgency: number | null; n: number }>;
  private readonly tagsStmt: Statement<[number], { tag: string; n: number }>;
  private readonly mailboxesStmt: Statement<[], { mailbox: string }>;

  constructor(db: Database) {
    this.countsStmt = db.prepare("SELECT status, urgency, count(*) AS n FROM voicemails GROUP BY status, urgency");
    this.tagsStmt = db.prepare(
      "SELECT value AS tag, count(*) AS n FROM voicemails, json_each(voicemails.tags) GROUP BY value ORDER BY n DESC, value LIMIT ?",
    );
    this.mailboxesStmt = db.prepare(
      "SELECT DISTINCT mailbox FROM voicemails WHERE mailbox IS NOT NULL ORDER BY mailbox LIMIT 200",
    );
  }

  counts(): VoicemailCount[] {
    return this.countsStmt.all().map((r) => ({ status: r.status, urgency: r.urgency, count: r.n }));
  }

  /** The most used tags, for the inbox's tag suggestions. */
  topTags(limit = 50): string[] {
    return this.tagsStmt.all(limit).map((r) => r.tag);
  }

  mailboxes(): string[] {
    return this.mailboxesStmt.all().map((r) => r.mailbox);
  }
}
