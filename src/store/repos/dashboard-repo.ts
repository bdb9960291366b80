import type { SqlStore } from "../sql/port.js";

/** Counts by urgency: "1".."5", and "untriaged" for messages or calls without one yet. */
export type UrgencyCounts = Record<"1" | "2" | "3" | "4" | "5" | "untriaged", number>;

const emptyUrgency = (): UrgencyCounts => ({ "1": 0, "2": 0, "3": 0, "4": 0, "5": 0, untriaged: 0 });

function urgencyCounts(rows: { urgency: number | null; n: number }[]): UrgencyCounts {
  const out = emptyUrgency();
  for (const r of rows) {
    const key = r.urgency !== null && r.urgency >= 1 && r.urgency <= 5 ? (String(r.urgency) as "1") : "untriaged";
    out[key] += r.n;
  }
  return out;
}

// The JSON the plots read, in each engine's own JSON functions (the columns are JSON text on both).
const JSON_READS = {
  sqlite: {
    callUrgency: "CASE WHEN json_valid(summary) THEN json_extract(summary, '$.urgency') END",
    latency: `json_extract(timing, '$.firstRtpMs') AS ms FROM call_turns
      WHERE at >= ? AND timing IS NOT NULL AND json_valid(timing) AND json_type(timing, '$.firstRtpMs') IN ('integer', 'real')`,
  },
  postgres: {
    callUrgency:
      "CASE WHEN jsonb_typeof(summary::jsonb -> 'urgency') = 'number' THEN (summary::jsonb ->> 'urgency')::float8 END",
    latency: `(timing::jsonb ->> 'firstRtpMs')::float8 AS ms FROM call_turns
      WHERE at >= ? AND timing IS NOT NULL AND jsonb_typeof(timing::jsonb -> 'firstRtpMs') = 'number'`,
  },
} as const;

/**
 * What the home dashboard reads from the voicemails and calls tables: counts since a time, open escalations, and
 * the raw times (and per-turn reply latency) that the plots bucket. On the SQL port: with `store.url` the
 * dashboard of any node counts every node's messages and calls.
 */
export class DashboardRepo {
  constructor(private readonly sql: SqlStore) {}

  async voicemailsByUrgency(since: number): Promise<UrgencyCounts> {
    return urgencyCounts(
      await this.sql.all<{ urgency: number | null; n: number }>(
        "SELECT urgency, count(*) AS n FROM voicemails WHERE received_at >= ? GROUP BY urgency",
        [since],
      ),
    );
  }

  /** Calls by the urgency their summary gave (call.summarize); untriaged before the summary is written. */
  async callsByUrgency(since: number): Promise<UrgencyCounts> {
    const urgency = JSON_READS[this.sql.dialect].callUrgency;
    return urgencyCounts(
      await this.sql.all<{ urgency: number | null; n: number }>(
        `SELECT ${urgency} AS urgency, count(*) AS n FROM calls WHERE started_at >= ? GROUP BY 1`,
        [since],
      ),
    );
  }

  async openEscalations(): Promise<number> {
    return (
      (await this.sql.get<{ n: number }>("SELECT count(*) AS n FROM voicemails WHERE status = 'escalated'"))?.n ?? 0
    );
  }

  async failedVoicemails(): Promise<number> {
    return (await this.sql.get<{ n: number }>("SELECT count(*) AS n FROM voicemails WHERE status = 'failed'"))?.n ?? 0;
  }

  /** When each voicemail since `since` was received, oldest first. */
  async voicemailTimes(since: number): Promise<number[]> {
    const rows = await this.sql.all<{ t: number }>(
      "SELECT received_at AS t FROM voicemails WHERE received_at >= ? ORDER BY received_at",
      [since],
    );
    return rows.map((r) => r.t);
  }

  /** When each call since `since` started, oldest first. */
  async callTimes(since: number): Promise<number[]> {
    const rows = await this.sql.all<{ t: number }>(
      "SELECT started_at AS t FROM calls WHERE started_at >= ? ORDER BY started_at",
      [since],
    );
    return rows.map((r) => r.t);
  }

  /** Every timed turn since `since`: when it was and its reply latency in ms (from the caller's last word to the first packet of the answer), oldest first. */
  async turnLatencies(since: number): Promise<{ t: number; ms: number }[]> {
    return this.sql.all<{ t: number; ms: number }>(
      `SELECT at AS t, ${JSON_READS[this.sql.dialect].latency} ORDER BY at`,
      [since],
    );
  }
}
