import type { ChatMessage } from "../../engines/types.js";
import type { AgentDefinition, FormField } from "../definition.js";
import { extractionTextFor, type ExtractionText } from "./prompt-text.js";

/** What we know about a recording besides its words. */
export interface MessageMeta {
  mailbox?: string | null;
  caller?: string | null;
  receivedAt?: string | null;
  /** Passages of the agent's knowledge base that match the transcript (already bounded by the caller). */
  knowledge?: { heading: string; text: string }[];
}

function knowledgeLines(t: ExtractionText, meta: MessageMeta): string {
  if (!meta.knowledge?.length) return "";
  const passages = meta.knowledge.map((k) => `- ${k.heading ? `${k.heading}: ` : ""}${k.text.replace(/\s+/g, " ")}`);
  return `${t.knowledgeHeading}\n${passages.join("\n")}`;
}

function metaLines(t: ExtractionText, meta: MessageMeta): string {
  return [
    meta.mailbox ? `${t.mailbox} ${meta.mailbox}` : null,
    meta.caller ? `${t.callerId} ${meta.caller}` : null,
    meta.receivedAt ? `${t.received} ${meta.receivedAt}` : null,
  ]
    .filter(Boolean)
    .join("\n");
}

/**
 * The prompt for voicemail triage, in the agent's language (prompt-text.ts).
 * The reply's shape is forced by a JSON schema grammar; the prompt says what
 * each field means. The transcript goes last, as plain data the model must
 * not take instructions from.
 */
export function voicemailMessages(agent: AgentDefinition, transcript: string, meta: MessageMeta): ChatMessage[] {
  const t = extractionTextFor(agent.language);
  const system = [
    t.voicemail.intro(agent.description || agent.name),
    ...t.voicemail.fields(agent.voicemail.categories.join(", ")),
    agent.voicemail.instructions,
  ]
    .filter(Boolean)
    .join("\n");
  const user = [metaLines(t, meta), knowledgeLines(t, meta), `${t.transcriptHeading}\n${transcript}`]
    .filter(Boolean)
    .join("\n")
    .trim();
  return [
    { role: "system", content: system },
    { role: "user", content: user },
  ];
}

function describeField(t: ExtractionText, f: FormField): string {
  return `- ${f.name} (${t.form.kind(f)}${f.required ? t.form.required : ""}): ${f.description || f.name.replace(/_/g, " ")}; ${t.form.notSaid}`;
}

/** The prompt for a voice form: the recording fills the form's fields. */
export function formMessages(
  agent: AgentDefinition,
  fields: FormField[],
  transcript: string,
  meta: MessageMeta,
): ChatMessage[] {
  const t = extractionTextFor(agent.language);
  const system = [
    t.form.intro(agent.description || agent.name),
    t.form.reply,
    ...fields.map((f) => describeField(t, f)),
    t.form.neverInvent,
  ].join("\n");
  return [
    { role: "system", content: system },
    {
      role: "user",
      content: [metaLines(t, meta), knowledgeLines(t, meta), `${t.transcriptHeading}\n${transcript}`]
        .filter(Boolean)
        .join("\n")
        .trim(),
    },
  ];
}

/** The prompt that reads a spoken survey answer into a rating and a comment, in the agent's language. */
export function surveyAnswerMessages(language: string, said: string): ChatMessage[] {
  const t = extractionTextFor(language);
  return [
    { role: "system", content: t.survey.system },
    { role: "user", content: t.survey.said(said) },
  ];
}
