import { z } from "zod";
import type { JsonSchema } from "../../engines/types.js";
import type { AgentDefinition, FormField } from "../definition.js";

/**
 * The JSON schemas the LLM's reply is constrained to (a grammar at
 * generation time) and the zod validators that check it afterwards (grammars
 * do not enforce ranges or sentence counts). Property order is part of the
 * contract: the grammar makes the model write them in this order.
 */
export const sentiments = ["positive", "neutral", "negative"] as const;
export const recommendedActions = ["forward", "escalate", "follow_up", "none"] as const;

export function voicemailJsonSchema(agent: AgentDefinition): JsonSchema {
  return {
    type: "object",
    properties: {
      summary: { type: "string" },
      caller_name: { type: "string" },
      callback_number: { type: "string" },
      category: { enum: agent.voicemail.categories },
      tags: { type: "array", items: { type: "string" } },
      urgency: { type: "integer" },
      urgency_reason: { type: "string" },
      sentiment: { enum: [...sentiments] },
      action: { enum: [...recommendedActions] },
    },
    required: [
      "summary",
      "caller_name",
      "callback_number",
      "category",
      "tags",
      "urgency",
      "urgency_reason",
      "sentiment",
      "action",
    ],
  };
}

export function voicemailValidator(agent: AgentDefinition) {
  return z.object({
    summary: z.string().trim().min(1, "summary is empty"),
    caller_name: z.string().trim(),
    callback_number: z.string().trim(),
    category: z.enum(agent.voicemail.categories as [string, ...string[]]),
    tags: z.array(z.string().trim().toLowerCase()).max(10),
    urgency: z.number().int().min(1, "urgency must be 1..5").max(5, "urgency must be 1..5"),
    urgency_reason: z.string().trim(),
    sentiment: z.enum(sentiments),
    action: z.enum(recommendedActions),
  });
}

export type VoicemailExtraction = z.infer<ReturnType<typeof voicemailValidator>>;

function fieldJsonSchema(f: FormField): JsonSchema {
  switch (f.type) {
    case "number":
      return { type: "number" };
    case "boolean":
      return { type: "boolean" };
    case "enum":
      return { enum: [...(f.values ?? []), ""] };
    default:
      // text, date (YYYY-MM-DD) and phone are strings; "" means "not said".
      return { type: "string" };
  }
}

/** A form's fields, each possibly missing (null), plus a one-sentence summary. */
export function formJsonSchema(fields: FormField[]): JsonSchema {
  const properties: Record<string, JsonSchema> = { summary: { type: "string" } };
  for (const f of fields) properties[f.name] = { oneOf: [fieldJsonSchema(f), { type: "null" }] };
  return { type: "object", properties, required: ["summary", ...fields.map((f) => f.name)] };
}
