import { z } from "zod";

/**
 * The payload of callback.place. Live calls (schedule_callback) send
 * `{to, agent, topic, summary, callId, source}`; voicemail routing sends
 * `{to, agent, voicemailId, reason, rule}`; a menu "call me back" sends
 * `notificationId`. Retries carry `attempt` (dials made so far) and
 * `rootJobId` (the job that started the chain, for idempotency keys).
 */
export const callbackPayloadSchema = z
  .object({
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
  })
  .loose();

export type CallbackPayload = z.infer<typeof callbackPayloadSchema>;
