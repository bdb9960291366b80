import type { CallbackPayload } from "./callbacks/payload.js";

/** Payload of notify.deliver: `seq` must match the row's schedule_seq, or the job is stale (rescheduled or cancelled since). */
export interface DeliverPayload {
  notificationId: number;
  seq: number;
}

/** The notify feature's job kinds (jobs/kinds.ts: declared once, checked on every enqueue). */
declare module "../jobs/kinds.js" {
  interface JobKinds {
    "notify.render": { notificationId: number };
    "notify.deliver": DeliverPayload;
    "campaign.tick": { campaignId: number; seq: number; slice: number };
    /** Queued by live calls and voicemail routing too (they name the kind; they do not import notify). */
    "callback.place": CallbackPayload;
  }
}

export const RENDER_JOB = "notify.render";
export const DELIVER_JOB = "notify.deliver";
export const TICK_JOB = "campaign.tick";
export const CALLBACK_JOB = "callback.place";
