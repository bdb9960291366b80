/** The voicemail feature's job kind (jobs/kinds.ts: declared once, checked on every enqueue). */
declare module "../jobs/kinds.js" {
  interface JobKinds {
    "voicemail.process": { voicemailId: number };
  }
}

export const VOICEMAIL_JOB = "voicemail.process";
