import type { AfterTurn } from "../tools/index.js";

/** What a tool that needs a phone line would have done on a call: shown in the playground, never performed. */
export type WouldDo =
  | { type: "hangup"; outcome: "agent_hangup" | "callback_scheduled"; description: string }
  | { type: "transfer"; target: string; description: string }
  | { type: "take-message"; description: string }
  | { type: "callback"; when: string; topic: string; description: string };

/** The call-control step a turn ended with (hang up, transfer, take a message), in words. */
export function wouldDoAfter(after: AfterTurn): WouldDo {
  switch (after.type) {
    case "hangup":
      return {
        ...after,
        description:
          after.outcome === "callback_scheduled"
            ? "On a call, the agent would hang up here, after scheduling the callback."
            : "On a call, the agent would hang up here.",
      };
    case "transfer":
      return { ...after, description: `On a call, the caller would be transferred to ${after.target} here.` };
    case "take-message":
      return { ...after, description: "On a call, the caller would now be recorded leaving a message." };
  }
}

/** schedule_callback's request, which the playground does not queue. */
export function wouldQueueCallback(when: Date, topic: string): WouldDo {
  return {
    type: "callback",
    when: when.toISOString(),
    topic,
    description: `On a call, a callback to the caller would be queued for ${when.toISOString()} about "${topic}" (nothing was queued).`,
  };
}
