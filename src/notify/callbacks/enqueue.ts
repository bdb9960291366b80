import { CALLBACK_JOB } from "../kinds.js";
import type { Job } from "../../jobs/index.js";
import type { NotifyDeps } from "../deps.js";

export { callbackPayloadSchema, type CallbackPayload } from "./payload.js";
import type { CallbackPayload } from "./payload.js";

/**
 * Queues the next job of a callback already promised (a retry, a move at dial time, a reschedule). It announces
 * nothing: callback.scheduled is sent once, when the callback is promised (schedule-callback.ts), and each
 * attempt's outcome goes out as callback.attempted.
 */
export async function enqueueCallback(
  services: NotifyDeps,
  p: CallbackPayload & { runAt: number; idempotencyKey: string },
): Promise<Job> {
  const { runAt, idempotencyKey, ...payload } = p;
  const { job } = await services.queue.enqueue({ kind: CALLBACK_JOB, payload, runAt, idempotencyKey, priority: 5 });
  return job;
}

/** What the callback is about, in words the greeting can use. */
export function callbackTopic(p: CallbackPayload): string {
  const raw = (p.topic ?? p.reason ?? "").replace(/\s+/g, " ").trim();
  if (!raw) return "your call";
  return raw.length > 160 ? `${raw.slice(0, 157).replace(/\s+\S*$/, "")}...` : raw.replace(/[.!?]+$/, "");
}
