import { z } from "zod";
import { CALLBACK_JOB } from "../../calls/jobs.js";
import type { Job } from "../../jobs/index.js";
import type { Services } from "../../server/services.js";

/**
 * The payload of callback.place. Live calls (schedule_callback) send
 * `{to, agent, topic, summary, callId, source}`; voicemail routing sends
 * `{to, agent, voicemailId, reason, rule}`; a menu "call me back" sends
 * `notificationId`. Retries carry `attempt` (dials made so far) and
 * `rootJobId` (the job that started the chain, for idempotency keys).
 */
export const callbackPayloadSchema = z.object({
  to: z.string().min(1).max(256).nullable(),
  agent: z.string().min(1).max(63),
  topic: z.string().max(500).optional(),
  reason: z.string().max(2000).optional(),
  summary: z.string().max(4000).optional(),
  callId: z.number().int().positive().optional(),
  voicemailId: z.number().int().positive().optional(),
  notificationId: z.number().int().positive().optional(),
  source: z.string().max(40).optional(),
  rule: z.string().max(63).optional(),
  /** The voicemail's urgency: notify.callbacks.anyTimeFromUrgency may lift the hours for it. */
  urgency: z.number().int().min(1).max(5).optional(),
  attempt: z.number().int().min(0).max(1000).optional(),
  rootJobId: z.number().int().positive().optional(),
  /** "voicemail": the retries are used up; this call leaves the message (answering-machine detection on). */
  mode: z.enum(["live", "voicemail"]).optional(),
}).loose();

export type CallbackPayload = z.infer<typeof callbackPayloadSchema>;

/** Queues a callback for `runAt` and announces it (callback.scheduled). */
export async function enqueueCallback(services: Services, p: CallbackPayload & { runAt: number; idempotencyKey: string }, delay: string | null = null): Promise<Job> {
  const { runAt, idempotencyKey, ...payload } = p;
  const { job, created } = await services.queue.enqueue({ kind: CALLBACK_JOB, payload, runAt, idempotencyKey, priority: 5 });
  if (created) services.bus.publish("callback.scheduled", p.notificationId ? `notification:${p.notificationId}` : `job:${job.id}`, { jobId: job.id, to: p.to, runAt, reason: p.topic ?? p.reason ?? "callback", ...(delay ? { delay } : {}) });
  return job;
}

/** What the callback is about, in words the greeting can use. */
export function callbackTopic(p: CallbackPayload): string {
  const raw = (p.topic ?? p.reason ?? "").replace(/\s+/g, " ").trim();
  if (!raw) return "your call";
  return raw.length > 160 ? `${raw.slice(0, 157).replace(/\s+\S*$/, "")}...` : raw.replace(/[.!?]+$/, "");
}
