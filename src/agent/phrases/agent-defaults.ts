import type { AgentDefinition } from "../definition.js";
import { en } from "./en.js";
import { phrasesFor } from "./tables.js";
import type { PhraseTable } from "./types.js";

/**
 * An agent definition with its built-in lines in the agent's language.
 * The schema fills unset lines with the English defaults, so a line still
 * equal to the English default was not written by the operator and is
 * replaced by the language's own; anything the operator wrote is kept.
 */
export function localizeAgentDefaults(agent: AgentDefinition): AgentDefinition {
  const t = phrasesFor(agent.language);
  if (t.language === "en") return agent;
  const line = (value: string, key: Exclude<keyof PhraseTable["live"], "backchannels">): string =>
    value === en.live[key] ? t.live[key] : value;
  return {
    ...agent,
    live: {
      ...agent.live,
      greeting: line(agent.live.greeting, "greeting"),
      reprompt: line(agent.live.reprompt, "reprompt"),
      goodbye: line(agent.live.goodbye, "goodbye"),
      filler: line(agent.live.filler, "filler"),
      fallback: line(agent.live.fallback, "fallback"),
      messageOffer: line(agent.live.messageOffer, "messageOffer"),
      messageOfferDeclined: line(agent.live.messageOfferDeclined, "messageOfferDeclined"),
      backchannels: sameValue(agent.live.backchannels, en.live.backchannels)
        ? [...t.live.backchannels]
        : agent.live.backchannels,
    },
    voicemail: {
      ...agent.voicemail,
      prompt: agent.voicemail.prompt === en.voicemail.prompt ? t.voicemail.prompt : agent.voicemail.prompt,
    },
    mailbox: agent.mailbox && {
      ...agent.mailbox,
      goodbye: agent.mailbox.goodbye === en.mailbox.goodbye ? t.mailbox.goodbye : agent.mailbox.goodbye,
    },
    survey: agent.survey && {
      ...agent.survey,
      prompt: agent.survey.prompt === en.survey.prompt ? t.survey.prompt : agent.survey.prompt,
      thanks: agent.survey.thanks === en.survey.thanks ? t.survey.thanks : agent.survey.thanks,
    },
  };
}

function sameValue(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => x === b[i]);
  return a === b;
}
