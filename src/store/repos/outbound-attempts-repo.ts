import type { SqlExecutor } from "../sql/port.js";

/** One dial (or a refusal to dial) for a notification or a callback. */
export interface AttemptRecord {
  id: number;
  number: string;
  kind: "notification" | "callback";
  notificationId: number | null;
  jobId: number | null;
  attempt: number;
  dialed: boolean;
  outcome: string | null;
  choice: string | null;
  digits: string | null;
  amd: { verdict: string; greetingMs: number; reason: string; beep?: boolean | undefined } | null;
  callId: number | null;
  startedAt: number;
  durationMs: number | null;
  nextAttemptAt: number | null;
  error: string | null;
}

export type AttemptResult = Pick<
  AttemptRecord,
  "outcome" | "choice" | "digits" | "amd" | "callId" | "durationMs" | "nextAttemptAt" | "error"
>;

type Row = Record<string, unknown>;

const toAttempt = (r: Row): AttemptRecord => ({
  id: r.id as number,
  number: r.number as string,
  kind: r.kind as AttemptRecord["kind"],
  notificationId: r.notification_id as number | null,
  jobId: r.job_id as number | null,
  attempt: r.attempt as number,
  dialed: r.dialed === 1,
  outcome: r.outcome as string | null,
  choice: r.choice as string | null,
  digits: r.digits as string | null,
  amd: r.amd ? (JSON.parse(r.amd as string) as AttemptRecord["amd"]) : null,
  callId: r.call_id as number | null,
  startedAt: r.started_at as number,
  durationMs: r.duration_ms as number | null,
  nextAttemptAt: r.next_attempt_at as number | null,
  error: r.error as string | null,
});

/** The `outbound_attempts` table, on the SQL port: the outcome history, and what the per-day cap counts. */
export class OutboundAttemptsRepo {
  constructor(private readonly sql: SqlExecutor) {}

  /** Starts an attempt (outcome null until `finish`), or records a refusal with its outcome at once. */
  async start(a: {
    number: string;
    kind: AttemptRecord["kind"];
    notificationId: number | null;
    jobId: number | null;
    attempt: number;
    dialed: boolean;
    outcome?: string;
    startedAt: number;
  }): Promise<AttemptRecord> {
    const r = await this.sql.get<Row>(
      `INSERT INTO outbound_attempts (number, kind, notification_id, job_id, attempt, dialed, outcome, started_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING *`,
      [a.number, a.kind, a.notificationId, a.jobId, a.attempt, a.dialed ? 1 : 0, a.outcome ?? null, a.startedAt],
    );
    return toAttempt(r!);
  }

  async finish(id: number, r: AttemptResult): Promise<void> {
    await this.sql.run(
      `UPDATE outbound_attempts SET outcome = ?, choice = ?, digits = ?, amd = ?, call_id = ?, duration_ms = ?,
        next_attempt_at = ?, error = ? WHERE id = ?`,
      [
        r.outcome,
        r.choice,
        r.digits,
        r.amd ? JSON.stringify(r.amd) : null,
        r.callId,
        r.durationMs,
        r.nextAttemptAt,
        r.error,
        id,
      ],
    );
  }

  /** The call could not be placed at all (no SIP, engines loading): it does not count as a dial. */
  async abandon(id: number, error: string): Promise<void> {
    await this.sql.run("UPDATE outbound_attempts SET dialed = 0, outcome = 'not_placed', error = ? WHERE id = ?", [
      error,
      id,
    ]);
  }

  async forNotification(id: number): Promise<AttemptRecord[]> {
    const rows = await this.sql.all<Row>("SELECT * FROM outbound_attempts WHERE notification_id = ? ORDER BY id", [id]);
    return rows.map(toAttempt);
  }

  /** Calls placed to a number in [from, to). */
  async dials(number: string, from: number, to: number): Promise<number> {
    const r = await this.sql.get<{ n: number }>(
      "SELECT count(*) AS n FROM outbound_attempts WHERE number = ? AND dialed = 1 AND started_at >= ? AND started_at < ?",
      [number, from, to],
    );
    return r?.n ?? 0;
  }
}
