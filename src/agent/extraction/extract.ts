import type { LlmEngine, LlmUsage } from "../../engines/types.js";
import { ParleyError } from "../../lib/errors.js";
import { normalizeE164 } from "../../lib/phone.js";
import { splitSentences } from "../../engines/tts/sentences.js";
import type { AgentDefinition, FormField } from "../definition.js";
import { formMessages, voicemailMessages, type MessageMeta } from "./prompt.js";
import { formJsonSchema, voicemailJsonSchema, voicemailValidator, type VoicemailExtraction } from "./schema.js";
import { normalizeFormValues, type FormResult } from "./form-values.js";

export interface ExtractOptions {
  signal: AbortSignal;
  defaultCountryCode: string;
  maxTokens?: number;
}

export interface Extracted<T> {
  data: T;
  raw: string;
  usage: LlmUsage | null;
}

export type VoicemailFields = Omit<VoicemailExtraction, "callback_number"> & {
  callback_number: string | null;
  callback_number_raw: string;
};

/** Output that fails validation: retried by the job, dead-lettered with this reason after the last attempt. */
export class ExtractionError extends ParleyError {
  constructor(message: string, raw: string) {
    super("extraction_invalid", message, { status: 502, retryable: true, details: { raw: raw.slice(0, 2000) } });
    this.name = "ExtractionError";
  }
}

async function complete(
  llm: LlmEngine,
  messages: Parameters<LlmEngine["chat"]>[0],
  schema: Record<string, unknown>,
  o: ExtractOptions,
): Promise<{ value: unknown; raw: string; usage: LlmUsage | null }> {
  let raw = "";
  let usage: LlmUsage | null = null;
  // Nobody is on the line: extraction and summaries are batch work, after every live turn.
  for await (const d of llm.chat(messages, {
    signal: o.signal,
    schema,
    maxTokens: o.maxTokens ?? 512,
    temperature: 0,
    priority: "batch",
  })) {
    if (d.type === "text") raw += d.text;
    else if (d.type === "done") {
      usage = d.usage;
      if (d.stopReason === "length") throw new ExtractionError("the model's reply was cut off at the token limit", raw);
    }
  }
  try {
    return { value: JSON.parse(raw) as unknown, raw, usage };
  } catch {
    throw new ExtractionError("the model's reply is not valid JSON", raw);
  }
}

/** Voicemail triage: summary, caller, callback number (E.164 where possible), category, tags, urgency, sentiment, action. */
export async function extractVoicemail(
  llm: LlmEngine,
  agent: AgentDefinition,
  transcript: string,
  meta: MessageMeta,
  o: ExtractOptions,
): Promise<Extracted<VoicemailFields>> {
  const { value, raw, usage } = await complete(
    llm,
    voicemailMessages(agent, transcript, meta),
    voicemailJsonSchema(agent),
    o,
  );
  const parsed = voicemailValidator(agent).safeParse(value);
  if (!parsed.success) {
    throw new ExtractionError(
      `the model's reply failed validation: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`,
      raw,
    );
  }
  const d = parsed.data;
  const summary = splitSentences(d.summary).slice(0, 2).join(" ") || d.summary;
  return {
    data: {
      ...d,
      summary,
      tags: [...new Set(d.tags.filter(Boolean))].slice(0, 5),
      callback_number_raw: d.callback_number,
      callback_number: normalizeE164(d.callback_number, { defaultCountryCode: o.defaultCountryCode }),
    },
    raw,
    usage,
  };
}

/** A voice form: every field normalised to its type; required fields that were not said are listed as missing. */
export async function extractForm(
  llm: LlmEngine,
  agent: AgentDefinition,
  fields: FormField[],
  transcript: string,
  meta: MessageMeta,
  o: ExtractOptions,
): Promise<Extracted<FormResult>> {
  const { value, raw, usage } = await complete(
    llm,
    formMessages(agent, fields, transcript, meta),
    formJsonSchema(fields),
    o,
  );
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw new ExtractionError("the model's reply is not a JSON object", raw);
  return { data: normalizeFormValues(fields, value as Record<string, unknown>, o.defaultCountryCode), raw, usage };
}
