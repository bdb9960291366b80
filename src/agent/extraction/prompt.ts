import type { ChatMessage } from "../../engines/types.js";
import type { AgentDefinition, FormField } from "../definition.js";

/** What we know about a recording besides its words. */
export interface MessageMeta {
  mailbox?: string | null;
  caller?: string | null;
  receivedAt?: string | null;
}

function metaLines(meta: MessageMeta): string {
  return [
    meta.mailbox ? `Mailbox: ${meta.mailbox}` : null,
    meta.caller ? `Caller ID: ${meta.caller}` : null,
    meta.receivedAt ? `Received: ${meta.receivedAt}` : null,
  ]
    .filter(Boolean)
    .join("\n");
}

/**
 * The prompt for voicemail triage. The reply's shape is forced by a JSON
 * schema grammar; the prompt says what each field means. The transcript goes
 * last, as plain data the model must not take instructions from.
 */
export function voicemailMessages(agent: AgentDefinition, transcript: string, meta: MessageMeta): ChatMessage[] {
  const system = [
    `You triage voicemail for this team: ${agent.description || agent.name}.`,
    "Reply with one JSON object and nothing else. Fields:",
    "- summary: at most two sentences, what the caller wants;",
    '- caller_name: the name the caller gives, or "";',
    '- callback_number: the phone number the caller asks to be reached on, digits as said, or "";',
    `- category: one of ${agent.voicemail.categories.join(", ")};`,
    "- tags: up to five lowercase keywords;",
    "- urgency: 1 (no rush) to 5 (harm or damage happening now);",
    "- urgency_reason: one short sentence;",
    "- sentiment: positive, neutral or negative;",
    "- action: forward, escalate, follow_up or none.",
    agent.voicemail.instructions,
  ]
    .filter(Boolean)
    .join("\n");
  const user = `${metaLines(meta)}\nTranscript of the message:\n${transcript}`.trim();
  return [
    { role: "system", content: system },
    { role: "user", content: user },
  ];
}

function describeField(f: FormField): string {
  const kind = f.type === "enum" ? `one of ${(f.values ?? []).join(", ")}` : f.type === "date" ? "a date as YYYY-MM-DD" : f.type === "phone" ? "a phone number, digits" : f.type;
  return `- ${f.name} (${kind}${f.required ? ", required" : ""}): ${f.description || f.name.replace(/_/g, " ")}; null when not said`;
}

/** The prompt for a voice form: the recording fills the form's fields. */
export function formMessages(agent: AgentDefinition, fields: FormField[], transcript: string, meta: MessageMeta): ChatMessage[] {
  const system = [
    `You fill in a form from a recorded phone message for this team: ${agent.description || agent.name}.`,
    "Reply with one JSON object and nothing else: summary (one sentence), then these fields:",
    ...fields.map(describeField),
    "Never invent a value the caller did not say.",
  ].join("\n");
  return [
    { role: "system", content: system },
    { role: "user", content: `${metaLines(meta)}\nTranscript of the message:\n${transcript}`.trim() },
  ];
}
