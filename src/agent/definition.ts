import { z } from "zod";
import { agentPrivacySchema } from "../config/sections/privacy.js";

/**
 * An agent definition (agents/*.yaml, or created through the API): one agent
 * serves live calls and voice messages. Strict: an unknown key is an error
 * that names the file and the field, never silently ignored.
 */

/**
 * Every field is bounded, so a definition stays small enough to parse, store
 * and hold in memory cheaply (a 55 MB prompt once blocked the server for 5 s):
 * the limits are far above what a working agent needs.
 */
export const AGENT_LIMITS = {
  systemPrompt: 32_000,
  /** Instructions and other prose the model reads. */
  prose: 8000,
  /** Lines the agent says, descriptions. */
  line: 2000,
  /** Names, categories, mailboxes, URLs' hosts and such. */
  word: 128,
  tools: 32,
  routingRules: 100,
  listItems: 200,
  formFields: 50,
  /** A tool's JSON schema of arguments, serialised. */
  schemaChars: 16_000,
} as const;
const L = AGENT_LIMITS;
const line = z.string().max(L.line);
const word = z.string().max(L.word);
const words = (item: z.ZodString = word) => z.array(item).max(L.listItems);

const id = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, "lowercase letters, digits, '-' and '_' (at most 63)");
const jsonSchemaObject = z
  .record(z.string(), z.unknown())
  .refine((s) => s.type === "object", "must be a JSON schema with type: object")
  .refine((s) => JSON.stringify(s).length <= L.schemaChars, `must be at most ${L.schemaChars} characters as JSON`);

export const builtinToolNames = [
  "transfer",
  "hangup",
  "take_message",
  "schedule_callback",
  "search_knowledge",
] as const;

const builtinTool = z
  .object({
    type: z.literal("builtin"),
    name: z.enum(builtinToolNames, {
      error: (iss) =>
        `unknown builtin tool '${String(iss.input)}'; the builtin tools are ${builtinToolNames.join(", ")}`,
    }),
    /** transfer: the SIP URI of the human to hand the call to. */
    target: z.string().max(512).optional(),
    /** Override of the description the model sees. */
    description: line.optional(),
    /** search_knowledge: chunks returned per search (default: config knowledge.search.k). */
    k: z.number().int().min(1).max(10).optional(),
  })
  .strict()
  .refine((t) => t.name !== "transfer" || Boolean(t.target), {
    message: "transfer needs a target SIP URI",
    path: ["target"],
  });

const httpTool = z
  .object({
    type: z.literal("http"),
    name: id,
    description: line.min(1),
    /** http or https only; where it may point is config tools.allowHosts (see docs/agents.md). */
    url: z
      .url()
      .max(2048)
      .refine((u) => /^https?:\/\//i.test(u), "must be an http:// or https:// URL"),
    method: z.enum(["GET", "POST", "PUT", "PATCH"]).default("POST"),
    /** JSON schema of the arguments the model must supply. */
    parameters: jsonSchemaObject.default({ type: "object", properties: {} }),
    timeoutMs: z.number().int().min(100).max(60_000).default(5000),
    /**
     * A header carrying credentials, e.g. { header: Authorization, value: "Bearer ..." }. Keep the YAML readable only
     * by Parley. `value` is write-only: the API and console show `{header, valueSet: true}` instead, and a definition
     * sent back without `value` keeps the stored one (see redact.ts).
     */
    auth: z
      .object({
        header: z.string().min(1).max(128),
        value: z.string().min(1).max(4096).optional(),
        valueSet: z.boolean().optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

// By `type`, so a mistake is reported on the field that is wrong, not as "Invalid input" for the whole tool.
export const toolSchema = z.discriminatedUnion("type", [builtinTool, httpTool], {
  error: (iss) =>
    iss.code === "invalid_union" ? `type must be "builtin" (${builtinToolNames.join(", ")}) or "http"` : undefined,
});

const liveSchema = z
  .object({
    greeting: line.default("Hello, how can I help you?"),
    /** Silence after the caller's last word that ends their turn. */
    endpointSilenceMs: z.number().int().min(150).max(3000).default(600),
    minSpeechMs: z.number().int().min(50).max(2000).default(200),
    /**
     * End of turn with the profile's turn model (docs/turn-taking.md); each field left out takes the server's
     * `calls.turn` setting. `endpointSilenceMs` is the silence deadline while the model is in use (default: the
     * one above): the model only ends turns earlier, so it can be longer to give pausing callers room.
     */
    turn: z
      .object({
        model: z.boolean().optional(),
        askAfterMs: z.number().int().min(50).max(2000).optional(),
        /** P(complete) above this ends the turn; default: the model's own (0.5 for Smart Turn). */
        threshold: z.number().gt(0).lt(1).optional(),
        endpointSilenceMs: z.number().int().min(150).max(5000).optional(),
        /** Start the reply on the interim transcript when the caller pauses (kept only if the final text matches). */
        speculative: z.boolean().optional(),
        /** Also start it at the turn model's early question, beside the model (docs/turn-taking.md). */
        speculateEarly: z.boolean().optional(),
        /** Read the caller's words into the LLM while they speak, so the reply reads only the last ones. */
        readAhead: z.boolean().optional(),
      })
      .strict()
      .default({}),

    /** Caller speech over the agent longer than this interrupts it (unless it is a backchannel). */
    bargeInMinMs: z.number().int().min(50).max(3000).default(300),
    backchannels: z
      .array(z.string().max(40))
      .max(50)
      .default(["mhm", "mm", "uh huh", "yeah", "yes", "okay", "ok", "right", "sure"]),
    silenceTimeoutMs: z.number().int().min(2000).max(120_000).default(8000),
    reprompt: line.default("Are you still there?"),
    goodbye: line.default("Thank you for calling. Goodbye!"),
    maxCallMs: z
      .number()
      .int()
      .min(10_000)
      .max(4 * 3600_000)
      .default(30 * 60_000),
    /** A tool slower than this makes the agent say the filler instead of leaving dead air. */
    fillerAfterMs: z.number().int().min(100).max(10_000).default(800),
    filler: line.default("One moment, please."),
    /** Said when a turn fails (the model, a tool or speech synthesis errs); the call goes on. */
    fallback: line.min(1).default("Sorry, I didn't catch that. Could you say it again?"),
    /** Failed turns in a row after which the caller is offered to leave a message (0: never). */
    messageOfferAfter: z.number().int().min(0).max(20).default(3),
    /** The offer, said instead of the fallback line; keypad 1, a yes, or no answer at all takes the message. */
    messageOffer: line
      .min(1)
      .default(
        "I'm sorry, I'm having trouble on my side. Would you like to leave a message for the team? Say yes, or press 1.",
      ),
    /** Said when the caller turns the offer down; the conversation goes on. */
    messageOfferDeclined: line.min(1).default("All right. How else can I help?"),
    /** Recording of both sides (caller left, agent right). */
    record: z.boolean().default(false),
    /**
     * Keypad entry is a sensitive step (a card number, a PIN): the digits reach
     * the model for this call only, the transcript and the logs say how many
     * were keyed, and the recording is paused or silenced while they are keyed
     * (privacy.recordings.sensitive).
     */
    keypad: z
      .object({ sensitive: z.boolean().default(false) })
      .strict()
      .prefault({}),
  })
  .strict();

const routingAction = z.union(
  [
    z.object({ webhook: word.min(1) }).strict(),
    z
      .object({
        callback: z
          .object({
            inMinutes: z
              .number()
              .min(0)
              .max(7 * 24 * 60)
              .default(0),
          })
          .strict(),
      })
      .strict(),
    z.object({ status: z.enum(["escalated", "handled", "archived"]) }).strict(),
  ],
  {
    error: () =>
      "an action is one of {webhook: <endpoint name>}, {callback: {inMinutes: <0-10080>}} or {status: escalated | handled | archived}",
  },
);

const routingRule = z
  .object({
    name: id,
    when: z
      .object({
        urgencyAtLeast: z.number().int().min(1).max(5).optional(),
        categories: words().optional(),
        tagsAny: words().optional(),
        mailboxes: words().optional(),
      })
      .strict()
      .default({}),
    actions: z.array(routingAction).min(1).max(10),
    /** Stop evaluating later rules once this one matched. */
    stop: z.boolean().default(false),
  })
  .strict();

const voicemailSchema = z
  .object({
    /** Mailboxes (the called number or extension) whose messages this agent handles. */
    mailboxes: words().default([]),
    prompt: line.default("Please leave your message after the tone."),
    categories: words(word.min(1)).min(1).default(["sales", "support", "billing", "orders", "emergency", "other"]),
    /** Extra guidance for summarising and triage, added to the extraction prompt. */
    instructions: z.string().max(L.prose).default(""),
    routing: z.array(routingRule).max(L.routingRules).default([]),
  })
  .strict();

/**
 * A classic voicemail box on this agent's SIP address, with no conversation:
 * the PBX forwards unanswered calls here and the message goes into the
 * voicemail pipeline (docs/pbx.md).
 */
const mailboxSchema = z
  .object({
    /** Said by the TTS voice when there is no recorded greeting; `{mailbox}` is replaced by the mailbox. */
    greeting: line.default("The person you are calling is not available. Please leave a message after the tone."),
    /**
     * A recorded greeting (a WAV file, any rate), played instead of `greeting`. Relative to the agent file's folder
     * (a definition sent through the API: to the server's working directory).
     */
    greetingWav: z.string().min(1).max(4096).optional(),
    /** The longest message; the call ends with what was recorded. */
    maxMs: z.number().int().min(5_000).max(3_600_000).default(180_000),
    /** Silence after the caller has spoken that ends the message. */
    endSilenceMs: z.number().int().min(1000).max(60_000).default(5000),
    /** The key that ends the message ("" for none). */
    finishKey: z.enum(["#", "*", ""]).default("#"),
    /** A forwarding chain's user: the most recent (`last`) or the first called (`original`, as Cisco Unity does). */
    prefer: z.enum(["last", "original"]).default("last"),
    /** Mailbox by user: a forwarded user or a dialled number (DID) to the mailbox it leaves messages in. */
    map: z.record(z.string().min(1).max(128), z.string().min(1).max(128)).default({}),
    /** Said after the recording, before the call ends. */
    goodbye: line.default("Thank you. Goodbye."),
  })
  .strict();

export type MailboxSettings = z.infer<typeof mailboxSchema>;

export const formFieldTypes = ["text", "number", "date", "phone", "enum", "boolean"] as const;

const formField = z
  .object({
    name: z.string().regex(/^[a-z][a-z0-9_]{0,62}$/, "snake_case"),
    type: z.enum(formFieldTypes),
    description: line.default(""),
    required: z.boolean().default(false),
    /** enum fields: the allowed values. */
    values: words(word.min(1)).optional(),
  })
  .strict()
  .refine((f) => f.type !== "enum" || (f.values?.length ?? 0) > 0, {
    message: "an enum field needs values",
    path: ["values"],
  });

const formSchema = z
  .object({
    /** Messages left on these mailboxes are read as this form. */
    mailboxes: words().min(1),
    fields: z.array(formField).min(1).max(L.formFields),
  })
  .strict();

const surveySchema = z
  .object({
    /** Results are grouped by this name (GET /v1/surveys/{name}). */
    name: id,
    prompt: line.default("Before you go: how did we do? Press or say a number from 1 to 5, or tell us in a few words."),
    /** Ask at the end of live calls that the agent ends (not when the caller hangs up). */
    afterCall: z.boolean().default(false),
    thanks: line.default("Thank you for your feedback. Goodbye!"),
  })
  .strict();

export const agentSchema = z
  .object({
    name: id,
    description: line.default(""),
    language: z.string().max(35).default("en"),
    systemPrompt: z.string().min(1).max(L.systemPrompt),
    voice: z
      .object({ speakerId: z.number().int().min(0).default(0), speed: z.number().min(0.5).max(2).default(1) })
      .strict()
      .prefault({}),
    tools: z.array(toolSchema).max(L.tools).default([]),
    live: liveSchema.prefault({}),
    voicemail: voicemailSchema.prefault({}),
    form: formSchema.optional(),
    survey: surveySchema.optional(),
    /** Overrides of the global `privacy` section for this agent's calls and messages (docs/privacy.md). */
    privacy: agentPrivacySchema.optional(),
    /**
     * Documents of the agent's knowledge base, as paths (relative ones from the agents directory): indexed at start
     * and on reload when their content changed. Documents uploaded through the API sit beside them.
     */
    knowledge: z.array(z.string().min(1).max(1024)).max(L.listItems).default([]),
    /** Answer inbound calls as a voicemail box (no LLM) instead of talking. */
    mailbox: mailboxSchema.optional(),
  })
  .strict()
  .superRefine((a, ctx) => {
    const names = new Set<string>();
    a.tools.forEach((t, i) => {
      if (names.has(t.name))
        ctx.addIssue({ code: "custom", path: ["tools", i, "name"], message: `tool '${t.name}' is defined twice` });
      names.add(t.name);
    });
    a.form?.fields.forEach((f, i) => {
      if (a.form?.fields.findIndex((g) => g.name === f.name) !== i)
        ctx.addIssue({
          code: "custom",
          path: ["form", "fields", i, "name"],
          message: `field '${f.name}' is defined twice`,
        });
    });
  });

export type AgentDefinition = z.infer<typeof agentSchema>;
export type AgentInput = z.input<typeof agentSchema>;
export type AgentTool = z.infer<typeof toolSchema>;
export type RoutingRule = z.infer<typeof routingRule>;
export type FormField = z.infer<typeof formField>;
export type SurveyDefinition = z.infer<typeof surveySchema>;
