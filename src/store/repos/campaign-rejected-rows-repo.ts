import type { SqlExecutor } from "../sql/port.js";

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

/** The `campaign_rejected_rows` table, on the SQL port. */
export class CampaignRejectedRowsRepo {
  constructor(private readonly sql: SqlExecutor) {}

  /** Keeps an upload's rejected rows (the caller's transaction makes them one write with the accepted ones). */
  async insertMany(
    campaignId: number,
    rows: readonly { row: number; to: string | null; reason: string }[],
    now: number,
  ): Promise<void> {
    for (const r of rows)
      await this.sql.run(
        "INSERT INTO campaign_rejected_rows (campaign_id, row_no, to_number, reason, created_at) VALUES (?, ?, ?, ?, ?)",
        [campaignId, r.row, r.to, r.reason, now],
      );
  }

  /** In upload order, a page at a time. */
  async page(campaignId: number, afterId: number, limit: number): Promise<RejectedRow[]> {
    const rows = await this.sql.all<Record<string, unknown>>(
      "SELECT * FROM campaign_rejected_rows WHERE campaign_id = ? AND id > ? ORDER BY id LIMIT ?",
      [campaignId, afterId, limit],
    );
    return rows.map(toRejected);
  }

  async count(campaignId: number): Promise<number> {
    const r = await this.sql.get<{ n: number }>(
      "SELECT count(*) AS n FROM campaign_rejected_rows WHERE campaign_id = ?",
      [campaignId],
    );
    return r?.n ?? 0;
  }
}
