import type { Database, Statement } from "better-sqlite3";

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

/** The `outbound_attempts` table: the outcome history, and what the per-day cap counts. */
export class OutboundAttemptsRepo {
  private readonly s: Record<"insert" | "finish" | "abandon" | "forNotification" | "dials", Statement>;

  constructor(db: Database) {
    this.s = {
      insert:
        db.prepare(`INSERT INTO outbound_attempts (number, kind, notification_id, job_id, attempt, dialed, outcome, started_at)
        VALUES (@number, @kind, @notificationId, @jobId, @attempt, @dialed, @outcome, @startedAt) RETURNING *`),
      finish:
        db.prepare(`UPDATE outbound_attempts SET outcome = @outcome, choice = @choice, digits = @digits, amd = @amd, call_id = @callId,
        duration_ms = @durationMs, next_attempt_at = @nextAttemptAt, error = @error WHERE id = @id`),
      abandon: db.prepare(
        "UPDATE outbound_attempts SET dialed = 0, outcome = 'not_placed', error = @error WHERE id = @id",
      ),
      forNotification: db.prepare("SELECT * FROM outbound_attempts WHERE notification_id = ? ORDER BY id"),
      dials: db.prepare(
        "SELECT count(*) AS n FROM outbound_attempts WHERE number = ? AND dialed = 1 AND started_at >= ? AND started_at < ?",
      ),
    };
  }

  /** Starts an attempt (outcome null until `finish`), or records a refusal with its outcome at once. */
  start(a: {
    number: string;
    kind: AttemptRecord["kind"];
    notificationId: number | null;
    jobId: number | null;
    attempt: number;
    dialed: boolean;
    outcome?: string;
    startedAt: number;
  }): AttemptRecord {
    return toAttempt(this.s.insert.get({ ...a, dialed: a.dialed ? 1 : 0, outcome: a.outcome ?? null }) as Row);
  }

  finish(id: number, r: AttemptResult): void {
    this.s.finish.run({ id, ...r, amd: r.amd ? JSON.stringify(r.amd) : null });
  }

  /** The call could not be placed at all (no SIP, engines loading): it does not count as a dial. */
  abandon(id: number, error: string): void {
    this.s.abandon.run({ id, error });
  }

  forNotification(id: number): AttemptRecord[] {
    return (this.s.forNotification.all(id) as Row[]).map(toAttempt);
  }

  /** Calls placed to a number in [from, to). */
  dials(number: string, from: number, to: number): number {
    return (this.s.dials.get(number, from, to) as { n: number }).n;
  }
}
