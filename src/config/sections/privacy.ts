import { z } from "zod";
import { ConfigError } from "../../lib/errors.js";
import {
  defaultPreserveKeys,
  defaultRedactionRules,
  maskStyles,
  nationalIdSchemes,
  piiKinds,
  type RedactionRules,
} from "../../lib/pii/index.js";

/**
 * Privacy: what personal data is masked before anything is stored, logged or
 * sent (transcripts, summaries, webhook bodies, logs, the console), and what
 * call recordings keep during sensitive steps. Global here; an agent may
 * override any field (`privacy:` in its YAML, see agentPrivacySchema).
 */

const customRule = z
  .object({
    /** Shown in the mask ("[iban]") and in counts. */
    name: z
      .string()
      .regex(/^[a-z][a-z0-9_-]{0,39}$/, "lowercase letters, digits, '-' and '_' (at most 40), starting with a letter"),
    /** A JavaScript regular expression; every match is masked. */
    pattern: z.string().min(1).max(500),
    flags: z
      .string()
      .regex(/^(?!.*(.).*\1)[imsu]*$/, "only the flags i, m, s and u, each once")
      .default(""),
    /** Written instead of a match; default "[<name>]". */
    replacement: z.string().max(100).optional(),
  })
  .strict()
  .superRefine((r, ctx) => {
    let re: RegExp;
    try {
      re = new RegExp(r.pattern, r.flags);
    } catch (err) {
      ctx.addIssue({
        code: "custom",
        path: ["pattern"],
        message: `not a valid regular expression: ${(err as Error).message}`,
      });
      return;
    }
    if (re.test(""))
      ctx.addIssue({
        code: "custom",
        path: ["pattern"],
        message: "matches the empty string, so it would mask nothing useful; make it match at least one character",
      });
  });

const preserveKey = z
  .string()
  .min(1)
  .max(200)
  .superRefine((k, ctx) => {
    const m = /^\/(.+)\/([a-z]*)$/.exec(k);
    if (!m) return;
    try {
      new RegExp(m[1]!, m[2]);
    } catch (err) {
      ctx.addIssue({ code: "custom", message: `not a valid regular expression: ${(err as Error).message}` });
    }
  });

const unique = (list: readonly unknown[]) => new Set(list).size === list.length;

const redactFields = {
  /** Off: nothing is masked (the sensitive-step rules for DTMF and recordings still apply). */
  enabled: z.boolean(),
  kinds: z.array(z.enum(piiKinds)).refine(unique, "lists a kind twice"),
  /** Which national ID schemes are looked for (when `nationalId` is among the kinds). */
  nationalIds: z.array(z.enum(nationalIdSchemes)).refine(unique, "lists a scheme twice"),
  mask: z.enum(maskStyles),
  /** Secret for `mask: hash`: at least 16 characters. Keep it out of version control (PARLEY_PRIVACY__REDACT__HASH_KEY). */
  hashKey: z.string().min(16, "must be at least 16 characters"),
  /** Digits spoken as words ("four one one one") count like written ones. */
  spokenDigits: z.boolean(),
  /** Words before a number that mark it as not personal (order and invoice numbers); "word*" matches a prefix. */
  safeContexts: z.array(z.string().min(1).max(40)),
  /** A site's own patterns, masked in addition to the built-in kinds. */
  rules: z.array(customRule).max(50),
  /** Keys whose values are never changed (ids, timestamps): names, or "/regex/". */
  preserveKeys: z.array(preserveKey),
  /** Also mask log lines (message, fields and bindings); costs a scan of every line written. */
  logs: z.boolean(),
};

export const redactSection = z
  .object({
    enabled: redactFields.enabled.default(true),
    kinds: redactFields.kinds.default([...defaultRedactionRules.kinds]),
    nationalIds: redactFields.nationalIds.default([...nationalIdSchemes]),
    mask: redactFields.mask.default("label"),
    hashKey: redactFields.hashKey.optional(),
    spokenDigits: redactFields.spokenDigits.default(true),
    safeContexts: redactFields.safeContexts.default([...defaultRedactionRules.safeContexts]),
    rules: redactFields.rules.default([]),
    preserveKeys: redactFields.preserveKeys.default([...defaultPreserveKeys]),
    logs: redactFields.logs.default(false),
  })
  .strict()
  .superRefine(needsHashKey);

function needsHashKey(r: { mask?: string | undefined; hashKey?: string | undefined }, ctx: z.RefinementCtx): void {
  if (r.mask === "hash" && !r.hashKey)
    ctx.addIssue({
      code: "custom",
      path: ["hashKey"],
      message: "mask: hash needs a hashKey (a secret of at least 16 characters)",
    });
}

/** What a recording keeps while a sensitive step runs: `pause` writes nothing, `silence` writes silence (the timeline stays whole). */
export const sensitiveRecordingModes = ["pause", "silence"] as const;

export const recordingsSection = z
  .object({
    sensitive: z.enum(sensitiveRecordingModes).default("silence"),
  })
  .strict();

export const privacySection = z
  .object({
    redact: redactSection.prefault({}),
    recordings: recordingsSection.prefault({}),
  })
  .strict();

export type PrivacyConfig = z.infer<typeof privacySection>;
export type RedactConfig = z.infer<typeof redactSection>;

/**
 * An agent's `privacy:` block: any field of the global section, none
 * required. Lists replace the global ones, except `rules`, which add to them.
 */
export const agentPrivacySchema = z
  .object({
    redact: z
      .object({
        enabled: redactFields.enabled.optional(),
        kinds: redactFields.kinds.optional(),
        nationalIds: redactFields.nationalIds.optional(),
        mask: redactFields.mask.optional(),
        hashKey: redactFields.hashKey.optional(),
        spokenDigits: redactFields.spokenDigits.optional(),
        safeContexts: redactFields.safeContexts.optional(),
        rules: redactFields.rules.optional(),
        preserveKeys: redactFields.preserveKeys.optional(),
      })
      .strict()
      .optional(),
    recordings: z
      .object({ sensitive: z.enum(sensitiveRecordingModes).optional() })
      .strict()
      .optional(),
  })
  .strict();

export type AgentPrivacy = z.infer<typeof agentPrivacySchema>;

/** The privacy settings an agent runs with: the global section with the agent's fields laid over it. */
export function effectivePrivacy(global: PrivacyConfig, agent: AgentPrivacy | undefined): PrivacyConfig {
  if (!agent) return global;
  const over = Object.fromEntries(Object.entries(agent.redact ?? {}).filter(([, v]) => v !== undefined));
  const redact: RedactConfig = {
    ...global.redact,
    ...over,
    rules: [...global.redact.rules, ...(agent.redact?.rules ?? [])],
  };
  if (redact.mask === "hash" && !redact.hashKey) {
    // Validated per file; the merge can still pair an agent's `mask: hash` with no key anywhere.
    throw new ConfigError(
      "privacy.redact.hashKey: mask is hash (set for the agent) but no hashKey is set globally or for the agent",
    );
  }
  return {
    redact,
    recordings: {
      ...global.recordings,
      ...(agent.recordings?.sensitive ? { sensitive: agent.recordings.sensitive } : {}),
    },
  };
}

/** The redactor's rules for these settings, or null when redaction is off. */
export function redactionRulesOf(redact: RedactConfig): RedactionRules | null {
  if (!redact.enabled) return null;
  return {
    kinds: redact.kinds,
    nationalIds: redact.nationalIds,
    mask: redact.mask,
    hashKey: redact.hashKey,
    spokenDigits: redact.spokenDigits,
    safeContexts: redact.safeContexts,
    custom: redact.rules.map((r) => ({ name: r.name, pattern: r.pattern, flags: r.flags, replacement: r.replacement })),
    preserveKeys: redact.preserveKeys,
  };
}
