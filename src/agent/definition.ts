import { z } from "zod";

/**
 * An agent definition (agents/*.yaml, or created through the API): one agent
 * serves live calls and voice messages. Strict: an unknown key is an error
 * that names the file and the field, never silently ignored.
 */

const id = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, "lowercase letters, digits, '-' and '_' (at most 63)");
const jsonSchemaObject = z.record(z.string(), z.unknown()).refine((s) => s.type === "object", "must be a JSON schema with type: object");

export const builtinToolNames = ["transfer", "hangup", "take_message", "schedule_callback"] as const;

const builtinTool = z.object({
  type: z.literal("builtin"),
  name: z.enum(builtinToolNames),
  /** transfer: the SIP URI of the human to hand the call to. */
  target: z.string().optional(),
  /** Override of the description the model sees. */
  description: z.string().optional(),
}).strict().refine((t) => t.name !== "transfer" || Boolean(t.target), { message: "transfer needs a target SIP URI", path: ["target"] });

const httpTool = z.object({
  type: z.literal("http"),
  name: id,
  description: z.string().min(1),
  url: z.url(),
  method: z.enum(["GET", "POST", "PUT", "PATCH"]).default("POST"),
  /** JSON schema of the arguments the model must supply. */
  parameters: jsonSchemaObject.default({ type: "object", properties: {} }),
  timeoutMs: z.number().int().min(100).max(60_000).default(5000),
  /** A header carrying credentials, e.g. { name: Authorization, value: "Bearer ..." }. Keep the YAML readable only by Parley. */
  auth: z.object({ header: z.string().min(1), value: z.string().min(1) }).strict().optional(),
}).strict();

export const toolSchema = z.union([builtinTool, httpTool]);

const liveSchema = z.object({
  greeting: z.string().default("Hello, how can I help you?"),
  /** Silence after the caller's last word that ends their turn. */
  endpointSilenceMs: z.number().int().min(150).max(3000).default(600),
  minSpeechMs: z.number().int().min(50).max(2000).default(200),
  /** Caller speech over the agent longer than this interrupts it (unless it is a backchannel). */
  bargeInMinMs: z.number().int().min(50).max(3000).default(300),
  backchannels: z.array(z.string()).default(["mhm", "mm", "uh huh", "yeah", "yes", "okay", "ok", "right", "sure"]),
  silenceTimeoutMs: z.number().int().min(2000).max(120_000).default(8000),
  reprompt: z.string().default("Are you still there?"),
  goodbye: z.string().default("Thank you for calling. Goodbye!"),
  maxCallMs: z.number().int().min(10_000).max(4 * 3600_000).default(30 * 60_000),
  /** A tool slower than this makes the agent say the filler instead of leaving dead air. */
  fillerAfterMs: z.number().int().min(100).max(10_000).default(800),
  filler: z.string().default("One moment, please."),
  /** Said when a turn fails (the model, a tool or speech synthesis errs); the call goes on. */
  fallback: z.string().min(1).default("Sorry, I didn't catch that. Could you say it again?"),
  /** Failed turns in a row after which the caller is offered to leave a message (0: never). */
  messageOfferAfter: z.number().int().min(0).max(20).default(3),
  /** The offer, said instead of the fallback line; keypad 1, a yes, or no answer at all takes the message. */
  messageOffer: z.string().min(1).default("I'm sorry, I'm having trouble on my side. Would you like to leave a message for the team? Say yes, or press 1."),
  /** Said when the caller turns the offer down; the conversation goes on. */
  messageOfferDeclined: z.string().min(1).default("All right. How else can I help?"),
  /** Recording of both sides (caller left, agent right). */
  record: z.boolean().default(false),
}).strict();

const routingAction = z.union([
  z.object({ webhook: z.string().min(1) }).strict(),
  z.object({ callback: z.object({ inMinutes: z.number().min(0).max(7 * 24 * 60).default(0) }).strict() }).strict(),
  z.object({ status: z.enum(["escalated", "handled", "archived"]) }).strict(),
]);

const routingRule = z.object({
  name: id,
  when: z.object({
    urgencyAtLeast: z.number().int().min(1).max(5).optional(),
    categories: z.array(z.string()).optional(),
    tagsAny: z.array(z.string()).optional(),
    mailboxes: z.array(z.string()).optional(),
  }).strict().default({}),
  actions: z.array(routingAction).min(1),
  /** Stop evaluating later rules once this one matched. */
  stop: z.boolean().default(false),
}).strict();

const voicemailSchema = z.object({
  /** Mailboxes (the called number or extension) whose messages this agent handles. */
  mailboxes: z.array(z.string()).default([]),
  prompt: z.string().default("Please leave your message after the tone."),
  categories: z.array(z.string().min(1)).min(1).default(["sales", "support", "billing", "orders", "emergency", "other"]),
  /** Extra guidance for summarising and triage, added to the extraction prompt. */
  instructions: z.string().default(""),
  routing: z.array(routingRule).default([]),
}).strict();

export const formFieldTypes = ["text", "number", "date", "phone", "enum", "boolean"] as const;

const formField = z.object({
  name: z.string().regex(/^[a-z][a-z0-9_]{0,62}$/, "snake_case"),
  type: z.enum(formFieldTypes),
  description: z.string().default(""),
  required: z.boolean().default(false),
  /** enum fields: the allowed values. */
  values: z.array(z.string().min(1)).optional(),
}).strict().refine((f) => f.type !== "enum" || (f.values?.length ?? 0) > 0, { message: "an enum field needs values", path: ["values"] });

const formSchema = z.object({
  /** Messages left on these mailboxes are read as this form. */
  mailboxes: z.array(z.string()).min(1),
  fields: z.array(formField).min(1),
}).strict();

const surveySchema = z.object({
  /** Results are grouped by this name (GET /v1/surveys/{name}). */
  name: id,
  prompt: z.string().default("Before you go: how did we do? Press or say a number from 1 to 5, or tell us in a few words."),
  /** Ask at the end of live calls that the agent ends (not when the caller hangs up). */
  afterCall: z.boolean().default(false),
  thanks: z.string().default("Thank you for your feedback. Goodbye!"),
}).strict();

export const agentSchema = z.object({
  name: id,
  description: z.string().default(""),
  language: z.string().default("en"),
  systemPrompt: z.string().min(1),
  voice: z.object({ speakerId: z.number().int().min(0).default(0), speed: z.number().min(0.5).max(2).default(1) }).strict().prefault({}),
  tools: z.array(toolSchema).default([]),
  live: liveSchema.prefault({}),
  voicemail: voicemailSchema.prefault({}),
  form: formSchema.optional(),
  survey: surveySchema.optional(),
}).strict().superRefine((a, ctx) => {
  const names = new Set<string>();
  a.tools.forEach((t, i) => {
    if (names.has(t.name)) ctx.addIssue({ code: "custom", path: ["tools", i, "name"], message: `tool '${t.name}' is defined twice` });
    names.add(t.name);
  });
  a.form?.fields.forEach((f, i) => {
    if (a.form?.fields.findIndex((g) => g.name === f.name) !== i) ctx.addIssue({ code: "custom", path: ["form", "fields", i, "name"], message: `field '${f.name}' is defined twice` });
  });
});

export type AgentDefinition = z.infer<typeof agentSchema>;
export type AgentInput = z.input<typeof agentSchema>;
export type AgentTool = z.infer<typeof toolSchema>;
export type RoutingRule = z.infer<typeof routingRule>;
export type FormField = z.infer<typeof formField>;
export type SurveyDefinition = z.infer<typeof surveySchema>;
