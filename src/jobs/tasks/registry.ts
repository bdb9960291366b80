import type { Span } from "@opentelemetry/api";
import type { Logger } from "../../lib/logger.js";
import { KIND_PATTERN } from "../new-job.js";
import type { KindedJob, PayloadOf } from "../kinds.js";
import type { EnqueueResult, Job } from "../types.js";

/** What a task gets besides its payload (graphile/worker's helpers). */
export interface TaskHelpers<P = unknown> {
  /** Fires on timeout, cancellation, a lost lease or forced shutdown: stop and throw. */
  signal: AbortSignal;
  job: Job<P>;
  /** Carries jobId, kind and attempt; personal data only in named fields. */
  logger: Logger;
  /** Enqueue follow-up work (a callback, a webhook); wakes this process's worker. */
  enqueue: <K extends string>(job: KindedJob<K>) => Promise<EnqueueResult<PayloadOf<K>>>;
  /** The job's trace span (a no-op unless tracing is on): parent of the task's stage spans. */
  span?: Span;
}

/**
 * A task: resolves with a JSON-able result or throws. Throw a ParleyError
 * with `retryable: false` for failures a retry cannot fix (bad input); any
 * other error is retried with backoff.
 */
export type Task<P = unknown, R = unknown> = (payload: P, helpers: TaskHelpers<P>) => Promise<R>;

export interface TaskDefinition<P = unknown, R = unknown> {
  run: Task<P, R>;
  /** Checks the stored payload before the run; a throw dead-letters the job (a retry cannot fix it). */
  parsePayload?: (payload: unknown) => P;
  /** Inference-heavy (ASR, LLM): capped by `jobs.inferenceConcurrency` unless the kind has its own cap. */
  inference?: boolean;
  /** Run time limit when the config names none for this kind. */
  timeoutMs?: number;
}

/** The task kinds this process can run. Modules register theirs at start; the worker only claims these. */
export class TaskRegistry {
  private readonly tasks = new Map<string, TaskDefinition>();

  /** Adds a task kind; registering a kind twice is a programming error. */
  register<P, R>(kind: string, task: Task<P, R> | TaskDefinition<P, R>): this {
    if (!KIND_PATTERN.test(kind))
      throw new Error(`'${kind}' is not a job kind (lower-case words joined by '.', '_' or '-')`);
    if (this.tasks.has(kind)) throw new Error(`task kind '${kind}' is already registered`);
    const definition = typeof task === "function" ? { run: task } : task;
    this.tasks.set(kind, definition as TaskDefinition);
    return this;
  }

  get(kind: string): TaskDefinition | undefined {
    return this.tasks.get(kind);
  }

  /** Registered kinds, sorted. */
  kinds(): string[] {
    return [...this.tasks.keys()].sort();
  }
}

/** An empty registry. */
export function createTaskRegistry(): TaskRegistry {
  return new TaskRegistry();
}
