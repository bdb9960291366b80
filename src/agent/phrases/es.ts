import { spokenName, type MenuActionName, type PhraseTable } from "./types.js";

// Usted throughout, and Spain's "pulse" / "almohadilla"; Latin American sites may prefer "oprima" / "numeral".
const MENU: Record<MenuActionName, string> = {
  confirm: "para confirmar",
  transfer: "para hablar con una persona",
  callback: "para que le llamemos más tarde",
  opt_out: "para no recibir más llamadas",
  repeat: "para volver a escuchar este mensaje",
};
const KEYS: Record<string, string> = { "*": "asterisco", "#": "almohadilla" };

export const es: PhraseTable = {
  language: "es",
  live: {
    greeting: "Hola, ¿en qué puedo ayudarle?",
    reprompt: "¿Sigue ahí?",
    goodbye: "Gracias por su llamada. ¡Adiós!",
    filler: "Un momento, por favor.",
    fallback: "Perdone, no le he entendido. ¿Podría repetirlo, por favor?",
    messageOffer:
      "Lo siento, estoy teniendo problemas técnicos. ¿Desea dejar un mensaje para el equipo? Diga sí, o pulse 1.",
    messageOfferDeclined: "De acuerdo. ¿En qué más puedo ayudarle?",
    backchannels: ["mhm", "ajá", "sí", "vale", "ok", "okay", "claro", "exacto", "ya", "bueno", "de acuerdo"],
  },
  voicemail: { prompt: "Por favor, deje su mensaje después de la señal." },
  mailbox: { goodbye: "Gracias. ¡Adiós!" },
  survey: {
    prompt:
      "Antes de colgar: ¿qué tal le hemos atendido? Pulse o diga un número del 1 al 5, o cuéntenos su opinión en pocas palabras.",
    thanks: "Gracias por su opinión. ¡Adiós!",
    intro: (name) => `Hola, le llamamos de ${name} para una encuesta muy breve.`,
  },
  callback: {
    greeting: (name, topic) => `Hola, le llamamos de ${spokenName(name)} para devolverle la llamada sobre: ${topic}.`,
  },
  menu: { option: (key, action) => `Pulse ${KEYS[key] ?? key} ${MENU[action]}.` },
  answers: {
    // Recognisers often drop the accent of "sí".
    yes: ["sí", "si", "vale", "claro", "ok", "okay", "bueno", "desde luego", "mensaje", "grabar"],
    no: ["no", "nada", "tampoco", "luego"],
  },
  optOutWords: ["baja", "darme de baja", "no me llamen", "no llamar", "stop"],
  notes: { historyTrimmed: "Se han omitido los primeros turnos de esta llamada para ahorrar espacio." },
};
