import type { EventEnvelope } from "../events/envelope.js";

/** An event as its origin stored it (already scrubbed by the origin's privacy policy). */
export interface DeliverEvent {
  id: number;
  type: string;
  subject: string | null;
  data: unknown;
  createdAt: number;
}

/**
 * What a `webhook.deliver` job carries. The event travels in the payload, so whichever node claims the job sends
 * the event it was queued for. The endpoint stays an id, looked up at delivery, so a later secret or URL change
 * applies to retries. `origin` named the publishing node when nodes numbered their events each on their own (jobs
 * queued by such a build still carry it, and keep their keys). Payloads queued before the event travelled (ids
 * only) are read back from the event log.
 */
export interface DeliverPayload {
  endpointId: number;
  eventId: number;
  /** The event as the webhook body carries it (ISO times, like every time Parley shows: /v1/jobs lists payloads). */
  event?: EventEnvelope | undefined;
  origin?: string | null | undefined;
}

/** The webhooks feature's job kind (jobs/kinds.ts: declared once, checked on every enqueue). */
declare module "../jobs/kinds.js" {
  interface JobKinds {
    "webhook.deliver": DeliverPayload;
  }
}

export const DELIVER_KIND = "webhook.deliver";
