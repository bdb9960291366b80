import { spokenName, type MenuActionName, type PhraseTable } from "./types.js";

// Vouvoiement throughout. A plain space before "?" and "!" (not the typographic narrow one) keeps TTS input simple.
const MENU: Record<MenuActionName, string> = {
  confirm: "pour confirmer",
  transfer: "pour parler à un conseiller",
  callback: "pour être rappelé plus tard",
  opt_out: "pour ne plus recevoir ces appels",
  repeat: "pour réécouter ce message",
};
const KEYS: Record<string, string> = { "*": "étoile", "#": "dièse" };

export const fr: PhraseTable = {
  language: "fr",
  live: {
    greeting: "Bonjour, comment puis-je vous aider ?",
    reprompt: "Êtes-vous toujours là ?",
    goodbye: "Merci de votre appel. Au revoir !",
    filler: "Un instant, s'il vous plaît.",
    fallback: "Pardon, je n'ai pas bien compris. Pourriez-vous répéter, s'il vous plaît ?",
    messageOffer:
      "Je suis désolé, je rencontre un problème technique. Souhaitez-vous laisser un message à l'équipe ? Dites oui, ou appuyez sur 1.",
    messageOfferDeclined: "Très bien. Que puis-je faire d'autre pour vous ?",
    backchannels: [
      "mhm",
      "hm",
      "oui",
      "ouais",
      "d'accord",
      "ok",
      "okay",
      "voilà",
      "exactement",
      "tout à fait",
      "ah bon",
    ],
  },
  voicemail: { prompt: "Veuillez laisser votre message après le bip sonore." },
  mailbox: { goodbye: "Merci. Au revoir !" },
  survey: {
    prompt:
      "Avant de raccrocher : êtes-vous satisfait de notre service ? Appuyez sur une touche ou dites un chiffre de 1 à 5, ou dites-nous en quelques mots ce que vous en pensez.",
    thanks: "Merci pour votre avis. Au revoir !",
    intro: (name) => `Bonjour, ici ${name}, pour une très courte enquête.`,
  },
  callback: {
    greeting: (name, topic) => `Bonjour, ici ${spokenName(name)}. Nous vous rappelons au sujet de : ${topic}.`,
  },
  menu: { option: (key, action) => `Appuyez sur ${KEYS[key] ?? key} ${MENU[action]}.` },
  answers: {
    yes: ["oui", "ouais", "d'accord", "ok", "okay", "volontiers", "bien sûr", "message", "enregistrer"],
    no: ["non", "pas", "jamais", "plus tard"],
  },
  optOutWords: ["stop", "arrêter", "désinscrire", "désabonner", "ne plus appeler"],
  notes: { historyTrimmed: "Les premiers échanges de cet appel ont été omis pour gagner de la place." },
};
