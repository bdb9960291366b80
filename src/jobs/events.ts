import type { ExpiredLease, Job, JobErrorInfo } from "./types.js";

/**
 * What the queue and worker announce, for webhooks (`job.dead`), the SSE
 * stream and metrics. Events fire after the state change has committed.
 */
export interface JobEventMap {
  "job:enqueued": { job: Job };
  /**
   * A worker leased the job and its task is starting. `triageMissed`: a job that arrived while the
   * newest-first lane was busy waited longer than `jobs.triageTargetMs`.
   */
  "job:started": { job: Job; lane: string; waitedMs: number; triageMissed: boolean };
  "job:succeeded": { job: Job; result: unknown; durationMs: number };
  /** An attempt failed; `job:retry` or `job:dead` follows. */
  "job:failed": { job: Job; error: JobErrorInfo; willRetry: boolean; durationMs: number };
  "job:retry": { job: Job; error: JobErrorInfo; delayMs: number };
  "job:dead": { job: Job; error: JobErrorInfo; reason: "non_retryable" | "attempts_exhausted" | "lease_expired" };
  "job:cancelled": { job: Job };
  /** Handed back without counting the attempt (shutdown). */
  "job:released": { job: Job; durationMs: number };
  /** An operator retried a dead, failed or cancelled job. */
  "job:requeued": { job: Job };
  /** A lease ran out (its worker died) and the job was settled by a claim. */
  "job:lease-expired": ExpiredLease;
  /** The worker itself hit a problem (database busy, a lost lease); jobs are unaffected or retried. */
  "worker:error": { error: unknown; context: string };
}

type Listener<T> = (event: T) => void;

/**
 * A typed event emitter with namespaced names (`job:failed`). A listener
 * that throws is reported through `onListenerError` and never breaks the
 * queue or the other listeners.
 */
export class TypedEmitter<M extends object> {
  private readonly listeners = new Map<keyof M, Set<Listener<never>>>();

  constructor(private readonly onListenerError: (error: unknown, name: keyof M) => void = () => {}) {}

  /** Subscribes; returns the unsubscribe function. */
  on<K extends keyof M>(name: K, listener: Listener<M[K]>): () => void {
    let set = this.listeners.get(name);
    if (!set) this.listeners.set(name, (set = new Set()));
    set.add(listener as Listener<never>);
    return () => this.off(name, listener);
  }

  off<K extends keyof M>(name: K, listener: Listener<M[K]>): void {
    this.listeners.get(name)?.delete(listener as Listener<never>);
  }

  emit<K extends keyof M>(name: K, event: M[K]): void {
    const set = this.listeners.get(name);
    if (!set) return;
    for (const listener of [...set]) {
      try {
        (listener as Listener<M[K]>)(event);
      } catch (err) {
        this.onListenerError(err, name);
      }
    }
  }

  listenerCount(name: keyof M): number {
    return this.listeners.get(name)?.size ?? 0;
  }
}

export type JobEvents = TypedEmitter<JobEventMap>;
