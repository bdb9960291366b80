import type { VoicemailRecord } from "../../store/repos/voicemails-repo.js";

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** A voicemail as the API shows it: camelCase, ISO times, the audio as a link. */
export function presentVoicemail(v: VoicemailRecord) {
  return {
    id: v.id,
    agent: v.agent,
    kind: v.kind,
    status: v.status,
    mailbox: v.mailbox,
    caller: v.caller,
    /** api, sip-mailbox, smtp, folder or call. */
    source: v.source,
    receivedAt: iso(v.receivedAt),
    durationMs: v.durationMs,
    speechMs: v.speechMs,
    transcript: v.transcript,
    summary: v.summary,
    callerName: v.callerName,
    callbackNumber: v.callbackNumber,
    category: v.category,
    tags: v.tags,
    urgency: v.urgency,
    urgencyReason: v.urgencyReason,
    sentiment: v.sentiment,
    recommendedAction: v.action,
    form: v.form,
    routing: v.routing,
    error: v.error,
    jobId: v.jobId,
    audioUrl: `/v1/voicemails/${v.id}/audio`,
    createdAt: iso(v.createdAt),
    updatedAt: iso(v.updatedAt),
    processedAt: iso(v.processedAt),
    /** The callback routing queued: when asked for and when placed (ISO), and why later if it is. */
    callback: v.callback
      ? {
          jobId: v.callback.jobId,
          requestedAt: iso(v.callback.requestedAt),
          at: iso(v.callback.at),
          delayed: v.callback.delay !== null,
          delay: v.callback.delay,
        }
      : null,
  };
}

/** Opaque page cursors: the position of the last item, so pages stay stable while new messages arrive. */
export function encodeCursor(v: VoicemailRecord): string {
  return Buffer.from(JSON.stringify({ id: v.id, u: v.urgency ?? 0 })).toString("base64url");
}

export function decodeCursor(cursor: string): { id: number; urgency: number } | null {
  try {
    const o = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as { id?: unknown; u?: unknown };
    return Number.isInteger(o.id) && Number.isInteger(o.u) ? { id: o.id as number, urgency: o.u as number } : null;
  } catch {
    return null;
  }
}
