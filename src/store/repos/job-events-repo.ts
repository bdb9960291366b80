import type { Database, Statement } from "better-sqlite3";
import type { JobEventRecord, JobEventType } from "./job-record.js";

interface EventRow {
  id: number;
  job_id: number;
  at: number;
  type: JobEventType;
  attempt: number;
  worker_id: string | null;
  detail: string | null;
}

export interface NewJobEvent {
  jobId: number;
  at: number;
  type: JobEventType;
  attempt: number;
  workerId?: string | null;
  detail?: Record<string, unknown> | null;
}

/** The `job_events` audit table. Callers write inside the transaction of the change they record. */
export class JobEventsRepo {
  private readonly insertStmt: Statement<[Record<string, string | number | null>]>;
  private readonly forJobStmt: Statement<[number], EventRow>;

  constructor(db: Database) {
    this.insertStmt = db.prepare(`INSERT INTO job_events (job_id, at, type, attempt, worker_id, detail)
      VALUES (@jobId, @at, @type, @attempt, @workerId, @detail)`);
    this.forJobStmt = db.prepare<[number], EventRow>("SELECT * FROM job_events WHERE job_id = ? ORDER BY id");
  }

  add(e: NewJobEvent): void {
    this.insertStmt.run({
      jobId: e.jobId,
      at: e.at,
      type: e.type,
      attempt: e.attempt,
      workerId: e.workerId ?? null,
      detail: e.detail ? JSON.stringify(e.detail) : null,
    });
  }

  /** The trail of one job, oldest first. */
  forJob(jobId: number): JobEventRecord[] {
    return this.forJobStmt.all(jobId).map((r) => ({
      id: r.id,
      jobId: r.job_id,
      at: r.at,
      type: r.type,
      attempt: r.attempt,
      workerId: r.worker_id,
      detail: r.detail === null ? null : (JSON.parse(r.detail) as Record<string, unknown>),
    }));
  }
}
