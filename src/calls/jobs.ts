/** Job kinds the live-call side queues. */
export const CALLBACK_JOB = "callback.place";
export const SUMMARY_JOB = "call.summarize";
