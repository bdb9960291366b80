import type { Logger } from "../lib/logger.js";
import { TypedEmitter, type JobEventMap, type JobEvents } from "./events.js";
import { isRetryable, toJobError } from "./job-errors.js";
import type { KindedJob, PayloadOf } from "./kinds.js";
import type {
  ClaimOptions,
  ClaimResult,
  EnqueueResult,
  FailResult,
  Job,
  JobCount,
  JobEventRecord,
  JobLease,
  JobPage,
  ListOptions,
  NewJob,
  QueueBackend,
} from "./types.js";

export interface JobQueueOptions {
  /** Default maxAttempts per kind (config `jobs.kinds`); the backend's default otherwise. */
  maxAttemptsByKind?: Readonly<Record<string, { maxAttempts?: number | undefined }>>;
  /** Where a throwing event listener is reported. */
  logger?: Logger;
}

/**
 * The queue as the rest of Parley uses it: a backend plus typed events that
 * fire after each committed change. The API enqueues and manages jobs here;
 * the worker claims and settles through it; webhooks and SSE subscribe to
 * `events`. One per process, shared, so a local enqueue wakes the local worker.
 */
export class JobQueue {
  readonly events: JobEvents;

  constructor(
    readonly backend: QueueBackend,
    private readonly options: JobQueueOptions = {},
  ) {
    this.events = new TypedEmitter<JobEventMap>((error, name) =>
      options.logger?.error({ err: error, event: name }, "job event listener failed"),
    );
  }

  /** Adds a job, or returns the one already holding its idempotency key. A declared kind's payload is checked (jobs/kinds.ts). */
  async enqueue<K extends string>(job: KindedJob<K>): Promise<EnqueueResult<PayloadOf<K>>> {
    const result = await this.backend.enqueue<PayloadOf<K>>(this.withDefaults(job));
    if (result.created) this.events.emit("job:enqueued", { job: result.job });
    return result;
  }

  /** Adds several jobs in one transaction. */
  async enqueueMany<P>(jobs: readonly NewJob<P>[]): Promise<EnqueueResult<P>[]> {
    const results = await this.backend.enqueueMany(jobs.map((j) => this.withDefaults(j)));
    for (const r of results) if (r.created) this.events.emit("job:enqueued", { job: r.job });
    return results;
  }

  /** Leases due jobs; expired leases found on the way are announced. */
  async claim(options: ClaimOptions): Promise<ClaimResult> {
    const result = await this.backend.claim(options);
    for (const e of result.expired) {
      this.events.emit("job:lease-expired", e);
      if (e.outcome === "dead" && e.job.lastError)
        this.events.emit("job:dead", { job: e.job, error: e.job.lastError, reason: "lease_expired" });
    }
    return result;
  }

  heartbeat(lease: JobLease, leaseMs?: number): Promise<number> {
    return this.backend.heartbeat(lease, leaseMs);
  }

  async complete(lease: JobLease, result: unknown): Promise<Job> {
    const job = await this.backend.complete(lease, result);
    this.events.emit("job:succeeded", { job, result: job.result, durationMs: runTime(job) });
    return job;
  }

  /** Records a failed attempt: retried with backoff unless `error` is a non-retryable ParleyError or attempts are used up. */
  async fail(lease: JobLease, error: unknown, retryable = isRetryable(error)): Promise<FailResult> {
    const outcome = await this.backend.fail(lease, error, { retryable });
    const info = outcome.job.lastError ?? toJobError(error);
    this.events.emit("job:failed", {
      job: outcome.job,
      error: info,
      willRetry: outcome.outcome === "retry",
      durationMs: runTime(outcome.job),
    });
    if (outcome.outcome === "retry")
      this.events.emit("job:retry", { job: outcome.job, error: info, delayMs: outcome.delayMs });
    else this.events.emit("job:dead", { job: outcome.job, error: info, reason: outcome.reason });
    return outcome;
  }

  async release(lease: JobLease): Promise<Job> {
    const job = await this.backend.release(lease);
    this.events.emit("job:released", { job, durationMs: runTime(job) });
    return job;
  }

  async cancel(id: number): Promise<Job> {
    const job = await this.backend.cancel(id);
    this.events.emit("job:cancelled", { job });
    return job;
  }

  async retry(id: number): Promise<Job> {
    const job = await this.backend.retry(id);
    this.events.emit("job:requeued", { job });
    return job;
  }

  get(id: number): Promise<Job | null> {
    return this.backend.get(id);
  }

  list(options?: ListOptions): Promise<JobPage> {
    return this.backend.list(options);
  }

  history(id: number): Promise<JobEventRecord[]> {
    return this.backend.events(id);
  }

  stats(): Promise<JobCount[]> {
    return this.backend.stats();
  }

  /** Jobs that became claimable in other processes (PostgreSQL); a no-op on SQLite, whose wake-ups are local events. */
  watch(listener: (kind: string | null) => void): () => void {
    return this.backend.watch?.(listener) ?? (() => {});
  }

  /** Waits until the backend is usable (PostgreSQL: connected and migrated), so a bad store.url stops a start with its reason. */
  async open(): Promise<void> {
    await this.backend.open?.();
  }

  /** Releases the backend's connections (PostgreSQL); nothing to do on SQLite. */
  async close(): Promise<void> {
    await this.backend.close?.();
  }

  private withDefaults<P>(job: NewJob<P>): NewJob<P> {
    if (job.maxAttempts !== undefined) return job;
    const byKind = this.options.maxAttemptsByKind?.[job.kind]?.maxAttempts;
    return byKind === undefined ? job : { ...job, maxAttempts: byKind };
  }
}

/** How long the attempt that just settled ran, by the queue's clock. */
function runTime(job: Job): number {
  return job.startedAt === null ? 0 : Math.max(0, job.updatedAt - job.startedAt);
}
