import type { DeliveryOutcome } from "../calls/outbound/deliver.js";

/**
 * Every outcome a notification attempt can have: a delivery's outcome, a
 * refusal before dialling (rejected_dnc), or a call that could not even be
 * started (not_placed, in the attempt history only). docs/notifications.md
 * lists exactly these (a test holds it to this list).
 */
export const notificationAttemptOutcomes = [
  "delivered_human",
  "delivered_voicemail",
  "opted_out",
  "no_answer",
  "busy",
  "failed",
  "rejected_dnc",
  "not_placed",
] as const satisfies readonly (DeliveryOutcome | "rejected_dnc" | "not_placed")[];

type Unlisted = Exclude<DeliveryOutcome, (typeof notificationAttemptOutcomes)[number]>;
const everyOutcomeListed: [Unlisted] extends [never] ? true : Unlisted = true;
void everyOutcomeListed;
