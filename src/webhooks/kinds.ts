/** What a `webhook.deliver` job carries: ids only, so a later secret or URL change applies to retries. */
export interface DeliverPayload {
  endpointId: number;
  eventId: number;
}

/** The webhooks feature's job kind (jobs/kinds.ts: declared once, checked on every enqueue). */
declare module "../jobs/kinds.js" {
  interface JobKinds {
    "webhook.deliver": DeliverPayload;
  }
}

export const DELIVER_KIND = "webhook.deliver";
