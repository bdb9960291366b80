import type { ConversationOutcome } from "../agent/conversation/types.js";
import type { DialFailure } from "./call-manager.js";
import type { MailboxOutcome } from "./mailbox/mailbox-script.js";

/**
 * Every outcome a call record can end with, in one style (snake_case, like
 * notification outcomes, statuses and error codes): what GET /v1/calls shows,
 * the database stores, and parley_calls_total{outcome} counts. docs/calls.md
 * lists them (a test holds it to this list).
 */
export const callOutcomes = [
  "caller_hangup",
  "agent_hangup",
  "transferred",
  "message_taken",
  "no_message",
  "callback_scheduled",
  "silence_timeout",
  "max_duration",
  "failed",
  "no_answer",
  "busy",
  "rejected",
  "cancelled",
] as const satisfies readonly (ConversationOutcome | DialFailure | MailboxOutcome | "cancelled")[];

export type CallOutcome = (typeof callOutcomes)[number];

// Compile-time: an outcome added to the conversation or the dialler but not listed above is an error here.
type Unlisted = Exclude<ConversationOutcome | DialFailure | MailboxOutcome, CallOutcome>;
const everyOutcomeListed: [Unlisted] extends [never] ? true : Unlisted = true;
void everyOutcomeListed;

/** An outcome as a client may write it, old hyphenated spellings (before 0.2) included; null when unknown. */
export function parseCallOutcome(text: string): CallOutcome | null {
  const name = text.trim().toLowerCase().replace(/-/g, "_");
  return (callOutcomes as readonly string[]).includes(name) ? (name as CallOutcome) : null;
}
