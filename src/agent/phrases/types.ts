/**
 * The words Parley itself says or listens for, per language: the lines an
 * agent speaks when its definition does not set them, the words a caller's
 * answer is read with (yes/no, opt-out, backchannels) and the short notes the
 * model is given. An agent's `language` picks the table (see phrasesFor).
 */

/** The DTMF menu actions of notifications (kept equal to src/notify/menu.ts's list by a test). */
export const menuActionNames = ["confirm", "transfer", "callback", "opt_out", "repeat"] as const;
export type MenuActionName = (typeof menuActionNames)[number];

export interface PhraseTable {
  /** The base language: en, de, fr, es. */
  language: string;
  live: {
    greeting: string;
    /** Said after a silence, before the call is ended. */
    reprompt: string;
    goodbye: string;
    /** Said while a slow tool runs. */
    filler: string;
    /** Said when a turn fails. */
    fallback: string;
    /** Offered after several failed turns: take a message (keypad 1 or yes). */
    messageOffer: string;
    messageOfferDeclined: string;
    /** Listener noises that must not interrupt the agent. */
    backchannels: readonly string[];
  };
  voicemail: {
    /** "Leave your message after the tone." */
    prompt: string;
  };
  mailbox: {
    /** Said after a SIP mailbox recorded the message, before the call ends. */
    goodbye: string;
  };
  survey: {
    prompt: string;
    thanks: string;
    /** Opening line of an outbound survey call; `name` as it should be heard (the agent's description or name). */
    intro: (agentName: string) => string;
  };
  callback: {
    /** Opening line of a callback the caller asked for. */
    greeting: (agentName: string, topic: string) => string;
  };
  menu: {
    /** "Press 1 to confirm." for one option. */
    option: (key: string, action: MenuActionName) => string;
  };
  answers: {
    /** Words that accept an offer ("yes", "ja", "oui", "sí"); a `no` word in the same answer wins. */
    yes: readonly string[];
    no: readonly string[];
  };
  /** Spoken words after a notification that put the number on the do-not-call list. */
  optOutWords: readonly string[];
  /** Notes for the model. */
  notes: {
    /** Stands in for conversation turns left out of the context window. */
    historyTrimmed: string;
  };
}

/** How agent names appear in speech: "front-desk_bot" -> "front desk bot". */
export function spokenName(name: string): string {
  return name.replace(/[-_]+/g, " ").trim();
}
