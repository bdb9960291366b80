import { CALLBACK_JOB } from "../kinds.js";
import type { Job } from "../../jobs/index.js";
import type { NotifyDeps } from "../deps.js";

export { callbackPayloadSchema, type CallbackPayload } from "./payload.js";
import type { CallbackPayload } from "./payload.js";

/** Queues a callback for `runAt` and announces it (callback.scheduled). */
export async function enqueueCallback(
  services: NotifyDeps,
  p: CallbackPayload & { runAt: number; idempotencyKey: string },
  delay: string | null = null,
): Promise<Job> {
  const { runAt, idempotencyKey, ...payload } = p;
  const { job, created } = await services.queue.enqueue({
    kind: CALLBACK_JOB,
    payload,
    runAt,
    idempotencyKey,
    priority: 5,
  });
  if (created)
    services.bus.publish(
      "callback.scheduled",
      p.notificationId ? `notification:${p.notificationId}` : `job:${job.id}`,
      { jobId: job.id, to: p.to, runAt, reason: p.topic ?? p.reason ?? "callback", ...(delay ? { delay } : {}) },
    );
  return job;
}

/** What the callback is about, in words the greeting can use. */
export function callbackTopic(p: CallbackPayload): string {
  const raw = (p.topic ?? p.reason ?? "").replace(/\s+/g, " ").trim();
  if (!raw) return "your call";
  return raw.length > 160 ? `${raw.slice(0, 157).replace(/\s+\S*$/, "")}...` : raw.replace(/[.!?]+$/, "");
}
