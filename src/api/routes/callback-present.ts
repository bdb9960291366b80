import { z } from "zod";
import { callbackStatuses, type CallbackRecord } from "../../store/repos/callbacks-repo.js";

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const time = z.iso.datetime().describe("ISO 8601, UTC");

/** A callback as /v1/callbacks answers it. */
export const callbackSchema = z.object({
  id: z.number().int(),
  status: z.enum(callbackStatuses),
  to: z.string().nullable(),
  agent: z.string(),
  reason: z.string().describe("what the callback is about (the greeting says it)"),
  summary: z.string().nullable(),
  source: z.string().nullable().describe("live-call, voicemail, notification (who promised it)"),
  callId: z.number().int().nullable().describe("the call on which it was promised"),
  voicemailId: z.number().int().nullable(),
  notificationId: z.number().int().nullable(),
  runAt: time.describe("when the next call is placed (upcoming), or was last due"),
  attempts: z.number().int().describe("calls dialled so far"),
  lastOutcome: z.string().nullable().describe("answered, busy, no_answer, failed, rejected_dnc, delivered_*"),
  placedCallId: z.number().int().nullable().describe("the call that reached the person"),
  jobId: z.number().int().describe("the callback.place job that places (or placed) the next call"),
  error: z.string().nullable(),
  createdAt: time,
  updatedAt: time,
  finishedAt: time.nullable(),
});

export function presentCallback(c: CallbackRecord): z.infer<typeof callbackSchema> {
  return {
    id: c.id,
    status: c.status,
    to: c.to,
    agent: c.agent,
    reason: c.reason,
    summary: typeof c.payload.summary === "string" ? c.payload.summary : null,
    source: c.source,
    callId: c.callId,
    voicemailId: c.voicemailId,
    notificationId: c.notificationId,
    runAt: iso(c.runAt) as string,
    attempts: c.attempts,
    lastOutcome: c.lastOutcome,
    placedCallId: c.placedCallId,
    jobId: c.jobId,
    error: c.error,
    createdAt: iso(c.createdAt) as string,
    updatedAt: iso(c.updatedAt) as string,
    finishedAt: iso(c.finishedAt),
  };
}
