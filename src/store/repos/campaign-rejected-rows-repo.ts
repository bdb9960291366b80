import type { Database, Statement } from "better-sqlite3";

/** An upload row that was not imported, and why (the import report's `rejected`, kept for results.csv). */
export interface RejectedRow {
  id: number;
  campaignId: number;
  /** The CSV line (header = 1) or the JSON array index + 1. */
  row: number;
  to: string | null;
  reason: string;
  createdAt: number;
}

const toRejected = (r: Record<string, unknown>): RejectedRow => ({
  id: r.id as number,
  campaignId: r.campaign_id as number,
  row: r.row_no as number,
  to: r.to_number as string | null,
  reason: r.reason as string,
  createdAt: r.created_at as number,
});

/** The `campaign_rejected_rows` table. */
export class CampaignRejectedRowsRepo {
  private readonly s: Record<"insert" | "page" | "count", Statement>;

  constructor(private readonly db: Database) {
    this.s = {
      insert: db.prepare(`INSERT INTO campaign_rejected_rows (campaign_id, row_no, to_number, reason, created_at)
        VALUES (@campaignId, @row, @to, @reason, @now)`),
      page: db.prepare(
        "SELECT * FROM campaign_rejected_rows WHERE campaign_id = @id AND id > @after ORDER BY id LIMIT @limit",
      ),
      count: db.prepare("SELECT count(*) AS n FROM campaign_rejected_rows WHERE campaign_id = ?"),
    };
  }

  /** Keeps an upload's rejected rows, in one transaction. */
  insertMany(campaignId: number, rows: readonly { row: number; to: string | null; reason: string }[], now: number) {
    this.db.transaction(() => {
      for (const r of rows) this.s.insert.run({ campaignId, row: r.row, to: r.to, reason: r.reason, now });
    })();
  }

  /** In upload order, a page at a time. */
  page(campaignId: number, afterId: number, limit: number): RejectedRow[] {
    return (this.s.page.all({ id: campaignId, after: afterId, limit }) as Record<string, unknown>[]).map(toRejected);
  }

  count(campaignId: number): number {
    return (this.s.count.get(campaignId) as { n: number }).n;
  }
}
