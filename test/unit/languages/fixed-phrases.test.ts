import { describe, expect, it } from "vitest";
import { agentSchema } from "../../../src/agent/definition.js";
import { localizeAgentDefaults, phrasesFor } from "../../../src/agent/phrases/index.js";
import { whisperLanguage } from "../../../src/engines/asr/whisper-language.js";
import { callbackGreeting } from "../../../src/notify/callbacks/chain.js";
import { menuPromptText } from "../../../src/notify/menu.js";

/**
 * Issue 16, languages: the fixed lines Parley says outside an agent's own
 * lines (the notification menu, the callback opening, the survey opening, a
 * SIP mailbox's goodbye) and the opt-out words follow the agent's language,
 * with English for a language Parley has no phrases for; a multilingual
 * Whisper decodes in the agent's language.
 */
const MENU = { options: { "1": "confirm", "9": "opt_out" } } as const;

describe("the notification menu in the agent's language", () => {
  it.each([
    ["en", "Press 1 to confirm. Press 9 to stop receiving these calls."],
    ["de", "Drücken Sie die 1, um zu bestätigen. Drücken Sie die 9, wenn Sie keine weiteren Anrufe wünschen."],
    ["de-AT", "Drücken Sie die 1, um zu bestätigen. Drücken Sie die 9, wenn Sie keine weiteren Anrufe wünschen."],
  ])("%s", (language, said) => {
    expect(menuPromptText(MENU, language)).toBe(said);
  });

  it("fr and es have their own lines", () => {
    for (const language of ["fr", "es"]) {
      const said = menuPromptText(MENU, language);
      expect(said).toBe(
        `${phrasesFor(language).menu.option("1", "confirm")} ${phrasesFor(language).menu.option("9", "opt_out")}`,
      );
      expect(said).not.toBe(menuPromptText(MENU, "en"));
    }
  });

  it("falls back to English for a language without phrases, and says an operator's own prompt as written", () => {
    expect(menuPromptText(MENU, "it")).toBe(menuPromptText(MENU, "en"));
    expect(menuPromptText(MENU)).toBe(menuPromptText(MENU, "en"));
    expect(menuPromptText({ ...MENU, prompt: "Drücken Sie 1." }, "fr")).toBe("Drücken Sie 1.");
  });
});

describe("callback opening, opt-out words and a mailbox's goodbye", () => {
  it("the callback opening is the agent's language's, English without phrases", () => {
    expect(callbackGreeting("empfang", "Ihre Bestellung", "de")).toBe(
      "Guten Tag, hier ist empfang. Wir rufen Sie zurück zu Ihrem Anliegen: Ihre Bestellung.",
    );
    expect(callbackGreeting("front-desk", "your order", "pt")).toBe(
      "Hello, this is front desk calling you back about your order.",
    );
  });

  it("German opt-out words include 'stopp'", () => {
    expect(phrasesFor("de").optOutWords).toContain("stopp");
    expect(phrasesFor("en").optOutWords).not.toContain("stopp");
  });

  it("a SIP mailbox's goodbye left at the default is said in the agent's language; one the operator wrote is kept", () => {
    const parse = (language: string, goodbye?: string) =>
      localizeAgentDefaults(
        agentSchema.parse({
          name: "box",
          language,
          systemPrompt: "x",
          mailbox: goodbye ? { goodbye } : {},
        }),
      ).mailbox!.goodbye;
    expect(parse("en")).toBe("Thank you. Goodbye.");
    expect(parse("de")).toBe(phrasesFor("de").mailbox.goodbye);
    expect(parse("fr")).toBe("Merci. Au revoir !");
    expect(parse("es")).toBe("Gracias. ¡Adiós!");
    expect(parse("it")).toBe("Thank you. Goodbye.");
    expect(parse("de", "Tschüss.")).toBe("Tschüss.");
  });
});

describe("the language a batch Whisper decodes in", () => {
  it("a multilingual Whisper left to detect decodes in the agent's base language", () => {
    expect(whisperLanguage("", true, "de-AT")).toBe("de");
    expect(whisperLanguage("", true, "fr")).toBe("fr");
    expect(whisperLanguage("", true, "nb")).toBe("no");
  });

  it("keeps detecting for a language Whisper does not know, or when the agent's language is not known", () => {
    expect(whisperLanguage("", true, "tlh")).toBe("");
    expect(whisperLanguage("", true, undefined)).toBe("");
  });

  it("never overrides an English-only model or a catalog entry pinned to a language", () => {
    expect(whisperLanguage("en", false, "de")).toBe("en");
    expect(whisperLanguage("es", true, "de")).toBe("es");
  });
});
