import { describe, expect, it } from "vitest";
import { agentSchema, type FormField } from "../../../src/agent/definition.js";
import { formMessages, surveyAnswerMessages, voicemailMessages } from "../../../src/agent/extraction/prompt.js";

const agent = (language: string) =>
  agentSchema.parse({
    name: "frontdesk",
    language,
    description: "Front desk of Acme",
    systemPrompt: "x",
    voicemail: { instructions: "Plumbing leaks are urgent." },
  });

const fields: FormField[] = [
  { name: "full_name", type: "text", description: "", required: true },
  { name: "visit_date", type: "date", description: "When", required: false },
  { name: "size", type: "enum", values: ["s", "m"], description: "Shirt", required: false },
  { name: "phone", type: "phone", description: "", required: false },
  { name: "n", type: "number", description: "", required: false },
];
const meta = { mailbox: "100", caller: "+14155550123", receivedAt: "2026-11-25T09:00:00Z" };

describe("extraction prompts per language", () => {
  it("English is exactly the prompt Parley has always sent", () => {
    const [system, user] = voicemailMessages(agent("en"), "hello there", meta);
    expect(system!.content).toBe(
      [
        "You triage voicemail for this team: Front desk of Acme.",
        "Reply with one JSON object and nothing else. Fields:",
        "- summary: at most two sentences, what the caller wants;",
        '- caller_name: the name the caller gives, or "";',
        '- callback_number: the phone number the caller asks to be reached on, digits as said, or "";',
        "- category: one of sales, support, billing, orders, emergency, other;",
        "- tags: up to five lowercase keywords;",
        "- urgency: 1 (no rush) to 5 (harm or damage happening now);",
        "- urgency_reason: one short sentence;",
        "- sentiment: positive, neutral or negative;",
        "- action: forward, escalate, follow_up or none.",
        "Plumbing leaks are urgent.",
      ].join("\n"),
    );
    expect(user!.content).toBe(
      "Mailbox: 100\nCaller ID: +14155550123\nReceived: 2026-11-25T09:00:00Z\nTranscript of the message:\nhello there",
    );
    const [formSystem, formUser] = formMessages(agent("en"), fields, "text", { caller: "+1" });
    expect(formSystem!.content).toBe(
      [
        "You fill in a form from a recorded phone message for this team: Front desk of Acme.",
        "Reply with one JSON object and nothing else: summary (one sentence), then these fields:",
        "- full_name (text, required): full name; null when not said",
        "- visit_date (a date as YYYY-MM-DD): When; null when not said",
        "- size (one of s, m): Shirt; null when not said",
        "- phone (a phone number, digits): phone; null when not said",
        "- n (number): n; null when not said",
        "Never invent a value the caller did not say.",
      ].join("\n"),
    );
    expect(formUser!.content).toBe("Caller ID: +1\nTranscript of the message:\ntext");
    expect(surveyAnswerMessages("en", "four, nice people")[1]!.content).toBe("The customer said: four, nice people");
  });

  it.each([
    [
      "de",
      "Du sortierst Sprachnachrichten",
      "Abschrift der Nachricht:",
      "Rufnummer des Anrufers: +14155550123",
      "auf Deutsch",
    ],
    ["de-CH", "Du sortierst Sprachnachrichten", "Abschrift der Nachricht:", "Postfach: 100", "auf Deutsch"],
    [
      "fr",
      "Tu tries les messages vocaux",
      "Transcription du message :",
      "Numéro de l'appelant : +14155550123",
      "en français",
    ],
    [
      "es",
      "Clasificas mensajes de voz",
      "Transcripción del mensaje:",
      "Número del llamante: +14155550123",
      "en español",
    ],
  ])(
    "%s: instructions in the language, field names and enum values as the schema has them",
    (language, intro, heading, metaLine, summaryLanguage) => {
      const [system, user] = voicemailMessages(agent(language), "Hallo", meta);
      const s = system!.content;
      expect(s).toContain(intro);
      expect(s).toContain("Front desk of Acme");
      expect(s).toContain(summaryLanguage);
      for (const key of [
        "summary:",
        "caller_name:",
        "callback_number:",
        "category:",
        "tags:",
        "urgency:",
        "urgency_reason:",
        "sentiment:",
        "action:",
      ]) {
        expect(s).toMatch(new RegExp(`- ${key.replace(":", " ?:")}`));
      }
      expect(s).toContain("sales, support, billing, orders, emergency, other");
      expect(s).toMatch(/positive, neutral (oder|ou|o) negative/);
      expect(s).toMatch(/forward, escalate, follow_up (oder|ou|o) none/);
      expect(s.endsWith("Plumbing leaks are urgent.")).toBe(true);
      expect(s).not.toContain("You triage");
      expect(user!.content).toContain(heading);
      expect(user!.content).toContain(metaLine);
      expect(user!.content.endsWith("Hallo")).toBe(true);
    },
  );

  it("writes form prompts in the language, keeping formats and enum values", () => {
    const [system] = formMessages(agent("de"), fields, "x", {});
    expect(system!.content).toContain("- full_name (Text, Pflichtfeld): full name; null, wenn nicht genannt");
    expect(system!.content).toContain("- visit_date (ein Datum im Format YYYY-MM-DD): When; null, wenn nicht genannt");
    expect(system!.content).toContain("- size (einer dieser Werte: s, m)");
    expect(formMessages(agent("fr"), fields, "x", {})[0]!.content).toContain("N'invente jamais");
    expect(formMessages(agent("es"), fields, "x", {})[0]!.content).toContain("- n (un número): n; null si no se dice");
  });

  it("reads survey answers in the language, and falls back to English for others", () => {
    expect(surveyAnswerMessages("fr", "quatre")[1]!.content).toBe("Le client a dit : quatre");
    expect(surveyAnswerMessages("es", "cuatro")[0]!.content).toContain("rating");
    expect(voicemailMessages(agent("pt-BR"), "olá", {})[0]!.content.startsWith("You triage voicemail")).toBe(true);
  });
});
