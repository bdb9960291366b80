import { CALLBACK_JOB } from "../kinds.js";
import type { NotifyDeps } from "../deps.js";
import { notifyContext } from "../context.js";
import type { CallbackRecord } from "../../store/repos/callbacks-repo.js";
import type { CallbackPayload } from "./payload.js";

/** A callback to promise: the payload of its first callback.place job, when, and the key that makes a repeat harmless. */
export interface CallbackRequest {
  payload: CallbackPayload;
  runAt: number;
  /** Per callback: a second request with the same key (a re-run routing, a repeated tool call) adds nothing. */
  idempotencyKey: string;
  priority?: number;
  /** Why it is placed later than asked (the callback rules), for callback.scheduled. */
  delay?: string | null;
  /** The reason callback.scheduled gives; the payload's topic or reason otherwise. */
  reason?: string;
}

export interface ScheduledCallback {
  callbackId: number;
  jobId: number;
  /** False when the key had already promised this callback. */
  created: boolean;
}

/** The event topic the existing subscribers know a callback by: its notification, voicemail or call, else its job. */
function topicOf(p: CallbackPayload, jobId: number): string {
  if (p.notificationId) return `notification:${p.notificationId}`;
  if (p.voicemailId) return `voicemail:${p.voicemailId}`;
  if (p.callId) return `call:${p.callId}`;
  return `job:${jobId}`;
}

/** The callbacks row of a chain's first job (what a job queued without one, by an older build, is given). */
export function newCallbackRow(p: CallbackPayload, rootJobId: number, runAt: number) {
  return {
    rootJobId,
    to: p.to,
    agent: p.agent,
    reason: (p.topic ?? p.reason ?? "").trim() || "callback",
    source: p.source ?? (p.voicemailId ? "voicemail" : p.notificationId ? "notification" : null),
    callId: p.callId ?? null,
    voicemailId: p.voicemailId ?? null,
    notificationId: p.notificationId ?? null,
    payload: p as Record<string, unknown>,
    runAt,
  };
}

/**
 * Promises a callback: queues its first callback.place job and records the
 * callback. callback.scheduled is published here and only here, once per
 * callback: by the request that queued the job or recorded the callback (a
 * repeated request finds the job by its key and the row by its job), so
 * retries, moves at dial time and repeated requests announce nothing new.
 * The job can run before its row is written here (due now, a worker woken at
 * once): the worker then writes the row (ledger.ts), and this request still
 * announces it.
 */
export async function scheduleCallback(services: NotifyDeps, r: CallbackRequest): Promise<ScheduledCallback> {
  const ctx = notifyContext(services);
  const { job, created: queued } = await services.queue.enqueue({
    kind: CALLBACK_JOB,
    payload: r.payload,
    runAt: r.runAt,
    idempotencyKey: r.idempotencyKey,
    priority: r.priority ?? 5,
  });
  const row = await ctx.callbacks.insert(newCallbackRow(r.payload, job.id, r.runAt), services.clock.now());
  const callback = row ?? ((await ctx.callbacks.byRoot(job.id)) as CallbackRecord);
  if (row || queued)
    await services.bus.publish("callback.scheduled", topicOf(r.payload, job.id), {
      callbackId: callback.id,
      jobId: job.id,
      to: r.payload.to,
      runAt: r.runAt,
      reason: r.reason ?? callback.reason,
      ...(r.delay ? { delay: r.delay } : {}),
    });
  return { callbackId: callback.id, jobId: job.id, created: row !== null || queued };
}
