import { describe, expect, it } from "vitest";
import { SentenceChunker, splitSentences } from "../../../src/engines/tts/sentences.js";

describe("sentence splitting per language", () => {
  it("English is unchanged when no language is given", () => {
    const text = "Dr. Smith will see you at 3.30 today. Bring e.g. your card. Thanks!";
    expect(splitSentences(text)).toEqual(splitSentences(text, "en"));
    expect(splitSentences(text)).toEqual(["Dr. Smith will see you at 3.30 today.", "Bring e.g. your card.", "Thanks!"]);
  });

  it("German: abbreviations and ordinals do not end a sentence", () => {
    expect(splitSentences("Bitte bringen Sie z.B. Ihren Ausweis mit. Wir haben ca. zehn Minuten.", "de")).toEqual([
      "Bitte bringen Sie z.B. Ihren Ausweis mit.",
      "Wir haben ca. zehn Minuten.",
    ]);
    expect(splitSentences("Der Termin ist am 3. Mai um 10 Uhr. Die Praxis ist im 2. Stock.", "de")).toEqual([
      "Der Termin ist am 3. Mai um 10 Uhr.",
      "Die Praxis ist im 2. Stock.",
    ]);
    expect(splitSentences("Frau Dr. Meier, Hauptstr. 5, Tel. 030 123. Danke!", "de-AT")).toEqual([
      "Frau Dr. Meier, Hauptstr. 5, Tel. 030 123.",
      "Danke!",
    ]);
    expect(splitSentences("Das sind bzw. waren drei usw. und so fort. Gut.", "de")).toEqual([
      "Das sind bzw. waren drei usw. und so fort.",
      "Gut.",
    ]);
  });

  it("French: titles, the space before ! and ?, and closing guillemets", () => {
    expect(splitSentences("Bonjour M. Dupont ! Comment allez-vous ? Très bien.", "fr")).toEqual([
      "Bonjour M. Dupont !",
      "Comment allez-vous ?",
      "Très bien.",
    ]);
    expect(splitSentences("Mme Martin a dit « Merci. » Puis elle est partie.", "fr")).toEqual([
      "Mme Martin a dit « Merci. »",
      "Puis elle est partie.",
    ]);
    expect(splitSentences("Apportez p.ex. votre carte. Tél. 01 23 45 67 89.", "fr")).toEqual([
      "Apportez p.ex. votre carte.",
      "Tél. 01 23 45 67 89.",
    ]);
  });

  it("Spanish: titles and inverted marks", () => {
    expect(splitSentences("¿Cómo está, Sra. García? ¡Muy bien! Gracias.", "es")).toEqual([
      "¿Cómo está, Sra. García?",
      "¡Muy bien!",
      "Gracias.",
    ]);
    expect(splitSentences("Vivo en la Avda. de la Paz, núm. 5. El Dr. Pérez le atiende.", "es")).toEqual([
      "Vivo en la Avda. de la Paz, núm. 5.",
      "El Dr. Pérez le atiende.",
    ]);
  });

  it("a language's abbreviation is a sentence end in another", () => {
    // "ca." is German for "about"; in English it ends the sentence.
    expect(splitSentences("Call ca. Then go.", "en")).toEqual(["Call ca.", "Then go."]);
    expect(splitSentences("Rufen Sie ca. zehnmal an.", "de")).toEqual(["Rufen Sie ca. zehnmal an."]);
  });

  it("streams per language", () => {
    const c = new SentenceChunker("de");
    expect(c.push("Am 3.")).toEqual([]);
    expect(c.push(" Mai geht es. Danach")).toEqual(["Am 3. Mai geht es."]);
    expect(c.flush()).toEqual(["Danach"]);
  });
});
