import type { Job, JobQueue } from "../jobs/index.js";
import type { WebhookDeliveryRecord } from "../store/repos/webhooks-repo.js";
import { DELIVER_KIND } from "./kinds.js";
import { WebhookError } from "./errors.js";

/** Where one delivery (one event to one endpoint: a webhook.deliver job) stands. */
export interface DeliveryState {
  jobId: number;
  /** The job's status: queued, running, failed (waiting to retry), succeeded, dead (gave up), cancelled. */
  status: Job["status"];
  attempts: number;
  maxAttempts: number;
  /** When the next attempt runs, for a delivery waiting to retry (or still queued); null otherwise. */
  nextAttemptAt: number | null;
}

/** A logged attempt with the state of its delivery (null for attempts logged before job ids were kept). */
export type DeliveryAttempt = WebhookDeliveryRecord & { delivery: DeliveryState | null };

const stateOf = (job: Job): DeliveryState => ({
  jobId: job.id,
  status: job.status,
  attempts: job.attempts,
  maxAttempts: job.maxAttempts,
  nextAttemptAt: job.status === "failed" || job.status === "queued" ? job.runAt : null,
});

/** The attempts of one page of the delivery log, each with its delivery's state (one queue read per delivery). */
export async function withDeliveryState(
  queue: Pick<JobQueue, "get">,
  attempts: readonly WebhookDeliveryRecord[],
): Promise<DeliveryAttempt[]> {
  const ids = [...new Set(attempts.map((a) => a.jobId).filter((id): id is number => id !== null))];
  const states = new Map<number, DeliveryState>();
  for (const id of ids) {
    const job = await queue.get(id);
    if (job) states.set(id, stateOf(job));
  }
  return attempts.map((a) => ({ ...a, delivery: a.jobId === null ? null : (states.get(a.jobId) ?? null) }));
}

/**
 * Runs a failed, dead or cancelled delivery of this endpoint again now, with its attempts reset (the queue's
 * retry: a queued, running or succeeded one answers 409). A job that is not this endpoint's delivery is a 404.
 */
export async function retryDelivery(
  queue: Pick<JobQueue, "get" | "retry">,
  endpointId: number,
  jobId: number,
): Promise<DeliveryState> {
  const job = await queue.get(jobId);
  const payload = job?.payload as { endpointId?: unknown } | undefined;
  if (!job || job.kind !== DELIVER_KIND || payload?.endpointId !== endpointId)
    throw new WebhookError("webhook_delivery_not_found", `no delivery ${jobId} to webhook endpoint ${endpointId}`, {
      status: 404,
    });
  return stateOf(await queue.retry(jobId));
}
