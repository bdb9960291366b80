import type { Channel } from "../../lib/channel.js";
import type { AgentTurnResult } from "./agent-turn.js";
import type { Utterance } from "./listener.js";
import type { TurnRecord } from "./types.js";

/** What drives a Conversation, one event at a time and in order. */
export type ConversationEvent =
  | { type: "utterance"; u: Utterance; source: "speech" | "dtmf"; digits?: string; recorded?: string }
  | { type: "speech-start"; at: number }
  | { type: "pause"; text: string; early: boolean }
  | { type: "resume" }
  | { type: "late-text"; text: string }
  | { type: "text"; text: string }
  | { type: "barge-check" }
  | { type: "turn-done"; result: AgentTurnResult; source: TurnRecord["source"]; u: Utterance | null }
  | { type: "silence" }
  | { type: "max-duration" }
  /** The call ended (the signal): events queued before it are still handled in order. */
  | { type: "ended" };

export type TurnDone = Extract<ConversationEvent, { type: "turn-done" }>;

/** The agent's turn under way. */
export interface ActiveTurn {
  controller: AbortController;
  source: TurnRecord["source"];
  /** This turn says the message offer, not the fallback line, if it fails. */
  offersMessage?: boolean;
}

/** How long the end of a call waits for the reply it cut off to settle, so that what was played of it is recorded. */
export const CUT_TURN_WAIT_MS = 2000;

/** The next turn's result from the queue, passing over anything else, or undefined after `ms` or at its end. */
export async function nextTurnDone(events: Channel<ConversationEvent>, ms: number): Promise<TurnDone | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((r) => (timer = setTimeout(() => r(undefined), ms)));
  try {
    for (;;) {
      const e = await Promise.race([events.next(), timeout]);
      if (e === undefined || e.type === "turn-done") return e;
    }
  } finally {
    clearTimeout(timer);
  }
}
