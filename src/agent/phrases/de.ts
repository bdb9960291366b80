import { spokenName, type MenuActionName, type PhraseTable } from "./types.js";

// Formal address (Sie) throughout: what callers expect from a company line.
const MENU: Record<MenuActionName, string> = {
  confirm: "um zu bestätigen",
  transfer: "um mit einem Mitarbeiter zu sprechen",
  callback: "für einen späteren Rückruf",
  opt_out: "wenn Sie keine weiteren Anrufe wünschen",
  repeat: "um die Nachricht noch einmal zu hören",
};
const KEYS: Record<string, string> = { "*": "die Sterntaste", "#": "die Rautetaste" };

export const de: PhraseTable = {
  language: "de",
  live: {
    greeting: "Guten Tag, wie kann ich Ihnen helfen?",
    reprompt: "Sind Sie noch da?",
    goodbye: "Vielen Dank für Ihren Anruf. Auf Wiederhören!",
    filler: "Einen Moment, bitte.",
    fallback: "Entschuldigung, das habe ich nicht verstanden. Könnten Sie das bitte wiederholen?",
    messageOffer:
      "Es tut mir leid, ich habe gerade technische Schwierigkeiten. Möchten Sie dem Team eine Nachricht hinterlassen? Sagen Sie Ja, oder drücken Sie die 1.",
    messageOfferDeclined: "In Ordnung. Wie kann ich Ihnen sonst helfen?",
    backchannels: ["mhm", "hm", "ja", "jaja", "okay", "ok", "genau", "richtig", "stimmt", "ach so", "alles klar"],
  },
  voicemail: { prompt: "Bitte hinterlassen Sie Ihre Nachricht nach dem Signalton." },
  mailbox: { goodbye: "Vielen Dank. Auf Wiederhören!" },
  survey: {
    prompt:
      "Bevor Sie auflegen: Wie zufrieden waren Sie mit uns? Drücken oder sagen Sie eine Zahl von 1 bis 5, oder sagen Sie uns in wenigen Worten Ihre Meinung.",
    thanks: "Vielen Dank für Ihre Rückmeldung. Auf Wiederhören!",
    intro: (name) => `Guten Tag, hier ist ${name} mit einer ganz kurzen Umfrage.`,
  },
  callback: {
    greeting: (name, topic) =>
      `Guten Tag, hier ist ${spokenName(name)}. Wir rufen Sie zurück zu Ihrem Anliegen: ${topic}.`,
  },
  menu: { option: (key, action) => `Drücken Sie ${KEYS[key] ?? `die ${key}`}, ${MENU[action]}.` },
  answers: {
    yes: ["ja", "jawohl", "jo", "gerne", "gern", "bitte", "okay", "ok", "klar", "sicher", "nachricht", "aufnehmen"],
    no: ["nein", "nö", "nee", "nicht", "kein", "keine", "später"],
  },
  optOutWords: ["stopp", "stop", "abmelden", "austragen", "nicht mehr anrufen"],
  notes: { historyTrimmed: "Frühere Teile dieses Gesprächs wurden aus Platzgründen ausgelassen." },
};
