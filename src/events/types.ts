/**
 * Domain events: what operators, webhooks and the SSE stream hear about.
 * Names are dotted (`voicemail.processed`), stable, and documented in the
 * API reference; payloads are plain JSON.
 */
export interface DomainEvents {
  "voicemail.received": {
    voicemailId: number;
    agent: string;
    mailbox: string | null;
    caller: string | null;
    /** api, sip-mailbox, smtp, folder or call. */
    source: string;
  };
  "voicemail.processed": {
    voicemailId: number;
    status: string;
    urgency: number | null;
    category: string | null;
    summary: string | null;
  };
  "voicemail.urgent": {
    voicemailId: number;
    urgency: number;
    summary: string | null;
    callbackNumber: string | null;
    reason: string | null;
  };
  "voicemail.updated": { voicemailId: number; status: string };
  "voicemail.deleted": { voicemailId: number };
  "form.submitted": { voicemailId: number; agent: string; values: Record<string, unknown>; missing: string[] };
  "job.dead": { jobId: number; kind: string; error: string; attempts: number };
  /** A callback was promised (sent once per callback); `delay` says why it is placed later than asked. */
  "callback.scheduled": {
    callbackId: number;
    jobId: number;
    to: string | null;
    runAt: number;
    reason: string;
    delay?: string;
  };
  "survey.response": {
    survey: string;
    agent: string;
    callId: number | null;
    rating: number | null;
    comment: string | null;
    channel: "dtmf" | "voice" | "none";
  };
  /** A notification's dial (or refusal to dial) is over; `nextAttemptAt` when a retry is scheduled. */
  "notification.attempted": {
    notificationId: number;
    campaignId: number | null;
    attempt: number;
    outcome: string;
    nextAttemptAt: number | null;
  };
  /** A notification reached its final status (completed, failed, rejected_dnc, cancelled). */
  "notification.finished": {
    notificationId: number;
    campaignId: number | null;
    status: string;
    outcome: string | null;
    attempts: number;
  };
  "campaign.progress": {
    campaignId: number;
    status: string;
    total: number;
    done: number;
    counts: Record<string, number>;
    outcomes: Record<string, number>;
  };
  "campaign.finished": {
    campaignId: number;
    status: string;
    total: number;
    counts: Record<string, number>;
    outcomes: Record<string, number>;
  };
  "dnc.added": { number: string; source: string };
  /** A scheduled callback's dial is over (answered, or not and retried, or a voicemail left). */
  "callback.attempted": {
    jobId: number;
    to: string;
    attempt: number;
    outcome: string;
    callId: number | null;
    nextAttemptAt: number | null;
  };
  /** Sent by POST /v1/webhooks/{id}/test to that one endpoint; never fanned out to subscribers. */
  "webhook.test": { endpointId: number; endpoint: string; message: string };
}

export type DomainEventType = keyof DomainEvents;

export const domainEventTypes = [
  "voicemail.received",
  "voicemail.processed",
  "voicemail.urgent",
  "voicemail.updated",
  "voicemail.deleted",
  "form.submitted",
  "job.dead",
  "callback.scheduled",
  "survey.response",
  "notification.attempted",
  "notification.finished",
  "campaign.progress",
  "campaign.finished",
  "dnc.added",
  "callback.attempted",
  "webhook.test",
] as const satisfies readonly DomainEventType[];

/**
 * Each event's data fields, in the order docs/webhooks.md lists them. The
 * compiler holds this to DomainEvents (every field, nothing else), and a
 * test holds the docs to this, so the documented list cannot drift.
 */
export const domainEventFields = {
  "voicemail.received": ["voicemailId", "agent", "mailbox", "caller", "source"],
  "voicemail.processed": ["voicemailId", "status", "urgency", "category", "summary"],
  "voicemail.urgent": ["voicemailId", "urgency", "summary", "callbackNumber", "reason"],
  "voicemail.updated": ["voicemailId", "status"],
  "voicemail.deleted": ["voicemailId"],
  "form.submitted": ["voicemailId", "agent", "values", "missing"],
  "job.dead": ["jobId", "kind", "error", "attempts"],
  "callback.scheduled": ["callbackId", "jobId", "to", "runAt", "reason", "delay"],
  "survey.response": ["survey", "agent", "callId", "rating", "comment", "channel"],
  "notification.attempted": ["notificationId", "campaignId", "attempt", "outcome", "nextAttemptAt"],
  "notification.finished": ["notificationId", "campaignId", "status", "outcome", "attempts"],
  "campaign.progress": ["campaignId", "status", "total", "done", "counts", "outcomes"],
  "campaign.finished": ["campaignId", "status", "total", "counts", "outcomes"],
  "dnc.added": ["number", "source"],
  "callback.attempted": ["jobId", "to", "attempt", "outcome", "callId", "nextAttemptAt"],
  "webhook.test": ["endpointId", "endpoint", "message"],
} as const satisfies { [K in DomainEventType]: readonly (keyof DomainEvents[K])[] };

// Compile-time: a field added to DomainEvents but not listed above is an error here.
type UnlistedFields = {
  [K in DomainEventType]: Exclude<keyof DomainEvents[K], (typeof domainEventFields)[K][number]>;
}[DomainEventType];
const everyFieldListed: [UnlistedFields] extends [never] ? true : UnlistedFields = true;
void everyFieldListed;

export interface PublishedEvent<T extends DomainEventType = DomainEventType> {
  id: number;
  type: T;
  subject: string | null;
  data: DomainEvents[T];
  createdAt: number;
}
