import { abortable } from "../lib/abort.js";
import { inSpan } from "../lib/tracing.js";
import { describeError, ParleyError } from "../lib/errors.js";
import type { Logger } from "../lib/logger.js";
import { JobJsonError, JobLeaseLostError, JobTimeoutError } from "./job-errors.js";
import type { JobQueue } from "./queue.js";
import type { TaskDefinition } from "./tasks/registry.js";
import type { Job, JobLease } from "./types.js";

/** Why the worker stopped a run from outside; each decides how the job is settled. */
export class RunInterrupt extends Error {
  constructor(readonly why: "shutdown" | "cancelled" | "lease_lost") {
    super(`job run interrupted: ${why}`);
    this.name = "RunInterrupt";
  }
}

export type RunOutcome = "succeeded" | "retry" | "dead" | "released" | "lost" | "unsettled";

export interface JobRunOptions {
  queue: JobQueue;
  task: TaskDefinition;
  job: Job;
  workerId: string;
  /** Aborted by the worker with a RunInterrupt (shutdown, cancel). */
  controller: AbortController;
  heartbeatMs: number;
  leaseMs: number;
  /** 0 = none. */
  timeoutMs: number;
  logger: Logger;
}

/**
 * Runs one claimed job to a settled state and never throws. We MUST release
 * or settle the job on every path (graphile/worker's rule): success ->
 * complete; a throw or timeout -> fail (retry or dead); shutdown -> release
 * without counting the attempt; a lost lease (cancelled, or expired and
 * re-claimed) -> nothing, the job is someone else's now. Only a database
 * error while settling leaves it running, and then its lease expires and it
 * runs again.
 */
export async function runJob(o: JobRunOptions): Promise<RunOutcome> {
  const { job, controller, logger } = o;
  const lease: JobLease = { id: job.id, workerId: o.workerId, attempt: job.attempts };
  const heartbeat = setInterval(() => void beat(o, lease), o.heartbeatMs);
  const timeout =
    o.timeoutMs > 0
      ? setTimeout(() => controller.abort(new JobTimeoutError(job.kind, o.timeoutMs)), o.timeoutMs)
      : null;
  let result: unknown;
  try {
    const payload = parse(o.task, job.payload);
    // Traced when tracing is on (a no-op span otherwise); tasks hang their stages under it.
    result = await inSpan(
      `job ${job.kind}`,
      { "job.id": job.id, "job.kind": job.kind, "job.attempt": job.attempts },
      (span) => {
        const helpers = { signal: controller.signal, job, logger, enqueue: o.queue.enqueue.bind(o.queue), span };
        // The race frees the slot when a task ignores its signal; its late result is dropped.
        return abortable(o.task.run(payload, helpers), controller.signal);
      },
    );
  } catch (err) {
    return settleFailure(o, lease, controller.signal.aborted ? controller.signal.reason : err);
  } finally {
    clearInterval(heartbeat);
    if (timeout) clearTimeout(timeout);
  }
  return settle(o, lease, async () => {
    try {
      await o.queue.complete(lease, result);
      return "succeeded";
    } catch (err) {
      // A result that cannot be stored is the task's bug: dead-letter it with the reason.
      if (err instanceof JobJsonError) return failed(o, lease, err);
      throw err;
    }
  });
}

async function settleFailure(o: JobRunOptions, lease: JobLease, reason: unknown): Promise<RunOutcome> {
  if (reason instanceof RunInterrupt) {
    if (reason.why !== "shutdown") return "lost";
    return settle(o, lease, async () => {
      await o.queue.release(lease);
      return "released";
    });
  }
  return settle(o, lease, () => failed(o, lease, reason));
}

async function failed(o: JobRunOptions, lease: JobLease, error: unknown): Promise<RunOutcome> {
  const r = await o.queue.fail(lease, error);
  const level = r.outcome === "dead" ? "error" : "warn";
  o.logger[level](
    {
      err: describeError(error),
      outcome: r.outcome,
      ...(r.outcome === "retry" ? { delayMs: r.delayMs } : { reason: r.reason }),
    },
    "job failed",
  );
  return r.outcome;
}

async function settle(o: JobRunOptions, lease: JobLease, fn: () => Promise<RunOutcome>): Promise<RunOutcome> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof JobLeaseLostError) {
      o.logger.warn({ attempt: lease.attempt }, "job lease lost before it could be settled; the result is dropped");
      return "lost";
    }
    o.queue.events.emit("worker:error", { error: err, context: `settling job ${lease.id}` });
    o.logger.error({ err: describeError(err) }, "could not settle job; it runs again when its lease expires");
    return "unsettled";
  }
}

async function beat(o: JobRunOptions, lease: JobLease): Promise<void> {
  try {
    await o.queue.heartbeat(lease, o.leaseMs);
  } catch (err) {
    if (err instanceof JobLeaseLostError) o.controller.abort(new RunInterrupt("lease_lost"));
    else o.queue.events.emit("worker:error", { error: err, context: `heartbeat of job ${lease.id}` });
  }
}

function parse(task: TaskDefinition, payload: unknown): unknown {
  if (!task.parsePayload) return payload;
  try {
    return task.parsePayload(payload);
  } catch (err) {
    if (err instanceof ParleyError && !err.retryable) throw err;
    throw new ParleyError("job_invalid_payload", `invalid payload: ${describeError(err)}`, {
      status: 400,
      retryable: false,
      cause: err,
    });
  }
}
