/** The calls feature's job kind (jobs/kinds.ts: declared once, checked on every enqueue). */
declare module "../jobs/kinds.js" {
  interface JobKinds {
    "call.summarize": { callId: number };
  }
}

export const SUMMARY_JOB = "call.summarize";
