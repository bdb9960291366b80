import { describe, expect, it } from "vitest";
import { agentSchema } from "../../../src/agent/definition.js";
import { TRIM_NOTE } from "../../../src/agent/conversation/context-window.js";
import { readOfferAnswer } from "../../../src/agent/conversation/message-offer.js";
import { isBackchannel } from "../../../src/agent/conversation/backchannel.js";
import {
  baseLanguage,
  hasPhrases,
  isLanguageTag,
  localizeAgentDefaults,
  menuActionNames,
  phraseLanguages,
  phrasesFor,
  readYesNo,
  type PhraseTable,
} from "../../../src/agent/phrases/index.js";
import { configSchema } from "../../../src/config/index.js";
import { callbackGreeting } from "../../../src/notify/callbacks/chain.js";
import { menuActions, menuPromptText } from "../../../src/notify/menu.js";

const bare = agentSchema.parse({ name: "front-desk", systemPrompt: "You answer the phone.", survey: { name: "csat" } });

describe("the English table is what Parley says today", () => {
  const en = phrasesFor("en");

  it("equals the agent definition's defaults", () => {
    expect(en.live).toEqual({
      greeting: bare.live.greeting,
      reprompt: bare.live.reprompt,
      goodbye: bare.live.goodbye,
      filler: bare.live.filler,
      fallback: bare.live.fallback,
      messageOffer: bare.live.messageOffer,
      messageOfferDeclined: bare.live.messageOfferDeclined,
      backchannels: bare.live.backchannels,
    });
    expect(en.voicemail.prompt).toBe(bare.voicemail.prompt);
    expect(en.survey.prompt).toBe(bare.survey!.prompt);
    expect(en.survey.thanks).toBe(bare.survey!.thanks);
  });

  it("equals the notification menu, the callback greeting, the opt-out words and the context note", () => {
    expect([...menuActionNames]).toEqual([...menuActions]);
    const options = {
      "1": "confirm",
      "2": "transfer",
      "3": "callback",
      "9": "opt_out",
      "*": "repeat",
      "#": "confirm",
    } as const;
    const fromTable = Object.entries(options)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, a]) => en.menu.option(k, a))
      .join(" ");
    expect(fromTable).toBe(menuPromptText({ options }));
    expect(en.callback.greeting("front-desk", "your order")).toBe(callbackGreeting("front-desk", "your order"));
    expect(en.optOutWords).toEqual(configSchema.parse({}).notify.optOutWords);
    expect(en.notes.historyTrimmed).toBe(TRIM_NOTE);
  });

  it("reads yes and no as the message offer does", () => {
    for (const text of [
      "yes please",
      "no, not now please",
      "sure",
      "nope",
      "what is this",
      "okay record it",
      "don't",
    ]) {
      expect(readYesNo(text, en), text).toBe(readOfferAnswer({ text }));
    }
  });
});

describe("phrase tables", () => {
  const tables = phraseLanguages.map((l) => [l, phrasesFor(l)] as [string, PhraseTable]);

  it("exist for en, de, fr and es", () => {
    expect([...phraseLanguages].sort()).toEqual(["de", "en", "es", "fr"]);
  });

  it.each(tables.filter(([l]) => l !== "en"))("%s: every line is there, in its own words", (language, t) => {
    const en = phrasesFor("en");
    expect(t.language).toBe(language);
    for (const key of Object.keys(en.live) as (keyof PhraseTable["live"])[]) {
      if (key === "backchannels") continue;
      expect(t.live[key], key).toMatch(/\p{L}/u);
      expect(t.live[key], key).not.toBe(en.live[key]);
    }
    expect(t.live.backchannels.length).toBeGreaterThan(5);
    expect(t.voicemail.prompt).not.toBe(en.voicemail.prompt);
    expect(t.survey.prompt).toMatch(/1/);
    expect(t.survey.prompt).toMatch(/5/);
    expect(t.survey.intro("Acme")).toContain("Acme");
    expect(t.callback.greeting("front-desk", "X")).toContain("front desk");
    for (const action of menuActionNames) expect(t.menu.option("1", action)).toMatch(/1/);
    expect(t.answers.yes.length).toBeGreaterThan(3);
    expect(t.answers.no.length).toBeGreaterThan(1);
    expect(t.optOutWords.length).toBeGreaterThan(2);
    // The message offer tells the caller to press 1, as the keypad reading expects.
    expect(t.live.messageOffer).toMatch(/1/);
  });

  it("reads yes and no in each language, a no winning over a yes", () => {
    const cases: [string, string, "yes" | "no" | "other"][] = [
      ["de", "Ja, gerne", "yes"],
      ["de", "Nein, bitte nicht", "no"],
      ["de", "Wie bitte? Ich verstehe nicht", "no"],
      ["de", "Was kostet das", "other"],
      ["fr", "Oui, d'accord", "yes"],
      ["fr", "Non merci", "no"],
      ["fr", "Bien sûr", "yes"],
      ["fr", "Peut-être plus tard", "no"],
      ["es", "Sí, claro", "yes"],
      ["es", "si", "yes"],
      ["es", "No, gracias", "no"],
      ["es", "¿Cuánto cuesta?", "other"],
    ];
    for (const [language, text, expected] of cases)
      expect(readYesNo(text, phrasesFor(language)), `${language}: ${text}`).toBe(expected);
  });

  it("the backchannels of each language do not interrupt the agent", () => {
    expect(isBackchannel("ja genau", phrasesFor("de").live.backchannels)).toBe(true);
    expect(isBackchannel("d'accord", phrasesFor("fr").live.backchannels)).toBe(true);
    expect(isBackchannel("vale, sí", phrasesFor("es").live.backchannels)).toBe(true);
    expect(isBackchannel("ich möchte einen Termin", phrasesFor("de").live.backchannels)).toBe(false);
  });

  it("writes menus with each language's key names", () => {
    expect(phrasesFor("de").menu.option("*", "repeat")).toBe(
      "Drücken Sie die Sterntaste, um die Nachricht noch einmal zu hören.",
    );
    expect(phrasesFor("de").menu.option("1", "confirm")).toBe("Drücken Sie die 1, um zu bestätigen.");
    expect(phrasesFor("fr").menu.option("#", "confirm")).toBe("Appuyez sur dièse pour confirmer.");
    expect(phrasesFor("es").menu.option("9", "opt_out")).toBe("Pulse 9 para no recibir más llamadas.");
  });
});

describe("language tags", () => {
  it("picks the base language's table and falls back to English", () => {
    expect(phrasesFor("de-AT").language).toBe("de");
    expect(phrasesFor("fr-CA").language).toBe("fr");
    expect(phrasesFor("es-419").language).toBe("es");
    expect(phrasesFor("ES").language).toBe("es");
    expect(phrasesFor("pt-BR").language).toBe("en");
    expect(hasPhrases("pt-BR")).toBe(false);
    expect(hasPhrases("de-CH")).toBe(true);
    expect(baseLanguage("sr-Latn-RS")).toBe("sr");
  });

  it("knows a well-formed tag", () => {
    for (const good of ["de", "de-DE", "es-419", "sr-Latn-RS", "en-GB", "gsw"])
      expect(isLanguageTag(good), good).toBe(true);
    for (const bad of ["", "german", "de_DE", "d", "de-", "en-GB-"]) expect(isLanguageTag(bad), bad).toBe(false);
  });
});

describe("an agent's built-in lines in its language", () => {
  it("replaces the lines the operator left to the defaults", () => {
    const german = localizeAgentDefaults(
      agentSchema.parse({
        name: "empfang",
        language: "de",
        systemPrompt: "Du bist der Empfang.",
        survey: { name: "csat" },
      }),
    );
    const de = phrasesFor("de");
    expect(german.live.greeting).toBe(de.live.greeting);
    expect(german.live.reprompt).toBe(de.live.reprompt);
    expect(german.live.goodbye).toBe(de.live.goodbye);
    expect(german.live.filler).toBe(de.live.filler);
    expect(german.live.fallback).toBe(de.live.fallback);
    expect(german.live.messageOffer).toBe(de.live.messageOffer);
    expect(german.live.messageOfferDeclined).toBe(de.live.messageOfferDeclined);
    expect(german.live.backchannels).toEqual(de.live.backchannels);
    expect(german.voicemail.prompt).toBe(de.voicemail.prompt);
    expect(german.survey?.prompt).toBe(de.survey.prompt);
    expect(german.survey?.thanks).toBe(de.survey.thanks);
  });

  it("keeps what the operator wrote, and everything that is not a phrase", () => {
    const def = agentSchema.parse({
      name: "empfang",
      language: "de-AT",
      systemPrompt: "Du bist der Empfang.",
      live: {
        greeting: "Servus, Firma Huber, was kann ich für Sie tun?",
        backchannels: ["eh", "passt"],
        silenceTimeoutMs: 9000,
      },
    });
    const out = localizeAgentDefaults(def);
    expect(out.live.greeting).toBe("Servus, Firma Huber, was kann ich für Sie tun?");
    expect(out.live.backchannels).toEqual(["eh", "passt"]);
    expect(out.live.goodbye).toBe(phrasesFor("de").live.goodbye);
    expect(out.live.silenceTimeoutMs).toBe(9000);
    expect(out.survey).toBeUndefined();
    expect(out.systemPrompt).toBe(def.systemPrompt);
    // The input is not changed.
    expect(def.live.goodbye).toBe(phrasesFor("en").live.goodbye);
  });

  it("leaves English agents and languages without a table as they are", () => {
    expect(localizeAgentDefaults(bare)).toBe(bare);
    const pt = agentSchema.parse({ name: "x", language: "pt", systemPrompt: "y" });
    expect(localizeAgentDefaults(pt)).toBe(pt);
  });
});
