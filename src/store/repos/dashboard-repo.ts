import type { Database, Statement } from "better-sqlite3";

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

/**
 * What the home dashboard reads from the voicemails and calls tables: counts since a time, open escalations, and
 * the raw times (and per-turn reply latency) that the plots bucket. SQLite, like every repository.
 */
export class DashboardRepo {
  private readonly s: Record<string, Statement>;

  constructor(db: Database) {
    this.s = {
      voicemailUrgency: db.prepare(
        "SELECT urgency, count(*) AS n FROM voicemails WHERE received_at >= ? GROUP BY urgency",
      ),
      callUrgency: db.prepare(
        `SELECT CASE WHEN json_valid(summary) THEN json_extract(summary, '$.urgency') END AS urgency, count(*) AS n
         FROM calls WHERE started_at >= ? GROUP BY 1`,
      ),
      escalated: db.prepare("SELECT count(*) AS n FROM voicemails WHERE status = 'escalated'"),
      failedVoicemails: db.prepare("SELECT count(*) AS n FROM voicemails WHERE status = 'failed'"),
      voicemailTimes: db.prepare("SELECT received_at AS t FROM voicemails WHERE received_at >= ? ORDER BY received_at"),
      callTimes: db.prepare("SELECT started_at AS t FROM calls WHERE started_at >= ? ORDER BY started_at"),
      // The reply latency of a turn: from the caller's last word to the first packet of the answer (firstRtpMs).
      latencies: db.prepare(
        `SELECT at AS t, json_extract(timing, '$.firstRtpMs') AS ms FROM call_turns
         WHERE at >= ? AND timing IS NOT NULL AND json_valid(timing) AND json_type(timing, '$.firstRtpMs') IN ('integer', 'real')
         ORDER BY at`,
      ),
    };
  }

  voicemailsByUrgency(since: number): UrgencyCounts {
    return urgencyCounts(this.s.voicemailUrgency!.all(since) as { urgency: number | null; n: number }[]);
  }

  /** Calls by the urgency their summary gave (call.summarize); untriaged before the summary is written. */
  callsByUrgency(since: number): UrgencyCounts {
    return urgencyCounts(this.s.callUrgency!.all(since) as { urgency: number | null; n: number }[]);
  }

  openEscalations(): number {
    return (this.s.escalated!.get() as { n: number }).n;
  }

  failedVoicemails(): number {
    return (this.s.failedVoicemails!.get() as { n: number }).n;
  }

  /** When each voicemail since `since` was received, oldest first. */
  voicemailTimes(since: number): number[] {
    return (this.s.voicemailTimes!.all(since) as { t: number }[]).map((r) => r.t);
  }

  /** When each call since `since` started, oldest first. */
  callTimes(since: number): number[] {
    return (this.s.callTimes!.all(since) as { t: number }[]).map((r) => r.t);
  }

  /** Every timed turn since `since`: when it was and its reply latency in ms, oldest first. */
  turnLatencies(since: number): { t: number; ms: number }[] {
    return this.s.latencies!.all(since) as { t: number; ms: number }[];
  }
}
