import type { SqlDialect, SqlExecutor } from "../sql/port.js";
import type { Menu, WindowSpec } from "../records/outbound.js";

export const campaignStatuses = ["draft", "running", "paused", "cancelled", "finished"] as const;
export type CampaignStatus = (typeof campaignStatuses)[number];

/** A `campaigns` row. */
export interface CampaignRecord {
  id: number;
  name: string;
  templateId: number | null;
  text: string;
  variables: string[];
  agent: string;
  window: WindowSpec | null;
  callsPerSecond: number;
  maxConcurrent: number;
  disclosure: string | null;
  menu: Menu | null;
  amd: boolean;
  status: CampaignStatus;
  tickSeq: number;
  /** When the pacer may release its next recipient (ms; 0 before the first): see takeReleaseSlot. */
  nextReleaseAt: number;
  createdAt: number;
  updatedAt: number;
  startedAt: number | null;
  finishedAt: number | null;
}

export type NewCampaign = Omit<
  CampaignRecord,
  "id" | "status" | "tickSeq" | "nextReleaseAt" | "createdAt" | "updatedAt" | "startedAt" | "finishedAt"
>;

type Row = Record<string, unknown>;
const json = <T>(v: unknown): T | null => (v === null || v === undefined ? null : (JSON.parse(v as string) as T));

const toCampaign = (r: Row): CampaignRecord => ({
  id: r.id as number,
  name: r.name as string,
  templateId: r.template_id as number | null,
  text: r.text as string,
  variables: json<string[]>(r.variables) ?? [],
  agent: r.agent as string,
  window: json<WindowSpec>(r.window_spec),
  callsPerSecond: r.calls_per_second as number,
  maxConcurrent: r.max_concurrent as number,
  disclosure: r.disclosure as string | null,
  menu: json<Menu>(r.menu),
  amd: r.amd === 1,
  status: r.status as CampaignStatus,
  tickSeq: r.tick_seq as number,
  nextReleaseAt: r.next_release_at as number,
  createdAt: r.created_at as number,
  updatedAt: r.updated_at as number,
  startedAt: r.started_at as number | null,
  finishedAt: r.finished_at as number | null,
});

const FINAL: readonly CampaignStatus[] = ["cancelled", "finished"];

/** The `campaigns` table, on the SQL port (shared by the nodes with `store.url`). */
export class CampaignsRepo {
  constructor(
    private readonly sql: SqlExecutor,
    private readonly dialect: SqlDialect,
  ) {}

  async insert(c: NewCampaign, now: number): Promise<CampaignRecord> {
    const r = await this.sql.get<Row>(
      `INSERT INTO campaigns (name, template_id, text, variables, agent, window_spec, calls_per_second, max_concurrent, disclosure, menu, amd, status, created_at, updated_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'draft', ?, ?) RETURNING *`,
      [
        c.name,
        c.templateId,
        c.text,
        JSON.stringify(c.variables),
        c.agent,
        c.window ? JSON.stringify(c.window) : null,
        c.callsPerSecond,
        c.maxConcurrent,
        c.disclosure,
        c.menu ? JSON.stringify(c.menu) : null,
        c.amd ? 1 : 0,
        now,
        now,
      ],
    );
    return toCampaign(r!);
  }

  async get(id: number): Promise<CampaignRecord | null> {
    const r = await this.sql.get<Row>("SELECT * FROM campaigns WHERE id = ?", [id]);
    return r ? toCampaign(r) : null;
  }

  async list(o: {
    status?: CampaignStatus | undefined;
    before?: number | undefined;
    limit: number;
  }): Promise<CampaignRecord[]> {
    const byStatus = o.status !== undefined;
    const rows = await this.sql.all<Row>(
      `SELECT * FROM campaigns WHERE id < ?${byStatus ? " AND status = ?" : ""} ORDER BY id DESC LIMIT ?`,
      [o.before ?? Number.MAX_SAFE_INTEGER, ...(byStatus ? [o.status!] : []), o.limit],
    );
    return rows.map(toCampaign);
  }

  /** Null when the campaign is gone. A start or resume (`newTickGeneration`) bumps tick_seq: older tick jobs stop. */
  async setStatus(
    id: number,
    status: CampaignStatus,
    now: number,
    newTickGeneration = false,
  ): Promise<CampaignRecord | null> {
    const r = await this.sql.get<Row>(
      `UPDATE campaigns SET status = ?, updated_at = ?, tick_seq = tick_seq + ?,
          started_at = CASE WHEN ? = 1 THEN coalesce(started_at, ?) ELSE started_at END, finished_at = ?
        WHERE id = ? RETURNING *`,
      [
        status,
        now,
        newTickGeneration ? 1 : 0,
        status === "running" ? 1 : 0,
        now,
        FINAL.includes(status) ? now : null,
        id,
      ],
    );
    return r ? toCampaign(r) : null;
  }

  async remove(id: number): Promise<boolean> {
    return (await this.sql.run("DELETE FROM campaigns WHERE id = ?", [id])).changes > 0;
  }

  /**
   * Inside a transaction: holds the campaign's row until it ends, so the nodes take its lines one at a time
   * (PostgreSQL row lock). SQLite needs none: the transaction (BEGIN IMMEDIATE) already holds the only write lock.
   */
  async lock(id: number): Promise<void> {
    if (this.dialect === "postgres") await this.sql.get("SELECT id FROM campaigns WHERE id = ? FOR UPDATE", [id]);
  }

  /**
   * The pacer's shared clock: takes the campaign's next release slot if it is due at `now` and moves it one
   * interval on: from the slot, or from `now - catchUpMs` when the slot lies further back (a late timer is made up
   * only within catchUpMs; after a wait, such as every line busy, the schedule starts afresh instead of bursting). One conditional UPDATE, so tick jobs on several nodes never release faster than the rate together.
   * Returns 0 when a slot was taken, else how many ms until the next one is due.
   */
  async takeReleaseSlot(id: number, now: number, intervalMs: number, catchUpMs: number): Promise<number> {
    const from = Math.round(now - catchUpMs);
    const taken = await this.sql.run(
      `UPDATE campaigns SET next_release_at = CASE WHEN next_release_at < ? THEN ? ELSE next_release_at END + ?
        WHERE id = ? AND next_release_at <= ?`,
      // Whole milliseconds (the column is an integer on both engines); the interval rounded up, never faster.
      [from, from, Math.max(1, Math.ceil(intervalMs)), id, now],
    );
    if (taken.changes > 0) return 0;
    const r = await this.sql.get<{ at: number }>("SELECT next_release_at AS at FROM campaigns WHERE id = ?", [id]);
    return r ? Math.max(1, r.at - now) : 0;
  }
}
