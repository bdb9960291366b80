import { spokenName, type MenuActionName, type PhraseTable } from "./types.js";

// The defaults agents have had since the start (src/agent/definition.ts); a test keeps the two equal.
const MENU: Record<MenuActionName, string> = {
  confirm: "to confirm",
  transfer: "to speak to someone",
  callback: "to be called back later",
  opt_out: "to stop receiving these calls",
  repeat: "to hear this message again",
};
const KEYS: Record<string, string> = { "*": "star", "#": "pound" };

export const en: PhraseTable = {
  language: "en",
  live: {
    greeting: "Hello, how can I help you?",
    reprompt: "Are you still there?",
    goodbye: "Thank you for calling. Goodbye!",
    filler: "One moment, please.",
    fallback: "Sorry, I didn't catch that. Could you say it again?",
    messageOffer:
      "I'm sorry, I'm having trouble on my side. Would you like to leave a message for the team? Say yes, or press 1.",
    messageOfferDeclined: "All right. How else can I help?",
    backchannels: ["mhm", "mm", "uh huh", "yeah", "yes", "okay", "ok", "right", "sure"],
  },
  voicemail: { prompt: "Please leave your message after the tone." },
  mailbox: { goodbye: "Thank you. Goodbye." },
  survey: {
    prompt: "Before you go: how did we do? Press or say a number from 1 to 5, or tell us in a few words.",
    thanks: "Thank you for your feedback. Goodbye!",
    intro: (name) => `Hello, this is ${name}, with a very short survey.`,
  },
  callback: { greeting: (name, topic) => `Hello, this is ${spokenName(name)} calling you back about ${topic}.` },
  menu: { option: (key, action) => `Press ${KEYS[key] ?? key} ${MENU[action]}.` },
  answers: {
    yes: ["yes", "yeah", "yep", "yup", "sure", "ok", "okay", "please", "message", "record"],
    no: ["no", "nope", "nah", "don't", "dont", "not"],
  },
  optOutWords: ["stop", "remove me", "unsubscribe", "do not call"],
  notes: { historyTrimmed: "Earlier turns of this call were left out to save space." },
};
