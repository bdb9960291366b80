import type { Database, Statement } from "better-sqlite3";
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
  createdAt: number;
  updatedAt: number;
  startedAt: number | null;
  finishedAt: number | null;
}

export type NewCampaign = Omit<
  CampaignRecord,
  "id" | "status" | "tickSeq" | "createdAt" | "updatedAt" | "startedAt" | "finishedAt"
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
  createdAt: r.created_at as number,
  updatedAt: r.updated_at as number,
  startedAt: r.started_at as number | null,
  finishedAt: r.finished_at as number | null,
});

/** The `campaigns` table. */
export class CampaignsRepo {
  private readonly s: Record<"insert" | "get" | "list" | "setStatus" | "remove", Statement>;

  constructor(db: Database) {
    this.s = {
      insert:
        db.prepare(`INSERT INTO campaigns (name, template_id, text, variables, agent, window_spec, calls_per_second, max_concurrent, disclosure, menu, amd, status, created_at, updated_at)
        VALUES (@name, @templateId, @text, @variables, @agent, @window, @callsPerSecond, @maxConcurrent, @disclosure, @menu, @amd, 'draft', @now, @now) RETURNING *`),
      get: db.prepare("SELECT * FROM campaigns WHERE id = ?"),
      list: db.prepare(
        "SELECT * FROM campaigns WHERE id < @before AND (@status IS NULL OR status = @status) ORDER BY id DESC LIMIT @limit",
      ),
      // A start or resume bumps tick_seq: the new generation of tick jobs replaces any older one still sleeping.
      setStatus: db.prepare(`UPDATE campaigns SET status = @status, updated_at = @now, tick_seq = tick_seq + @bump,
          started_at = CASE WHEN @status = 'running' THEN coalesce(started_at, @now) ELSE started_at END,
          finished_at = CASE WHEN @status IN ('cancelled', 'finished') THEN @now ELSE NULL END
        WHERE id = @id RETURNING *`),
      remove: db.prepare("DELETE FROM campaigns WHERE id = ?"),
    };
  }

  insert(c: NewCampaign, now: number): CampaignRecord {
    return toCampaign(
      this.s.insert.get({
        ...c,
        variables: JSON.stringify(c.variables),
        window: c.window ? JSON.stringify(c.window) : null,
        menu: c.menu ? JSON.stringify(c.menu) : null,
        amd: c.amd ? 1 : 0,
        now,
      }) as Row,
    );
  }

  get(id: number): CampaignRecord | null {
    const r = this.s.get.get(id) as Row | undefined;
    return r ? toCampaign(r) : null;
  }

  list(o: { status?: CampaignStatus | undefined; before?: number | undefined; limit: number }): CampaignRecord[] {
    return (
      this.s.list.all({
        status: o.status ?? null,
        before: o.before ?? Number.MAX_SAFE_INTEGER,
        limit: o.limit,
      }) as Row[]
    ).map(toCampaign);
  }

  setStatus(id: number, status: CampaignStatus, now: number, newTickGeneration = false): CampaignRecord {
    return toCampaign(this.s.setStatus.get({ id, status, now, bump: newTickGeneration ? 1 : 0 }) as Row);
  }

  remove(id: number): boolean {
    return this.s.remove.run(id).changes > 0;
  }
}
