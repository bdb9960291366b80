import { randomBytes } from "node:crypto";
import { z } from "zod";
import { domainEventTypes } from "../events/types.js";

/** `webhook.test` goes to one endpoint on request; nobody subscribes to it. */
export const TEST_EVENT = "webhook.test";

/** Event types an endpoint can subscribe to. */
export const subscribableEvents = domainEventTypes.filter((t) => t !== TEST_EVENT);

/** Whether an endpoint listening to `events` wants an event of this type. */
export function subscribes(events: readonly string[], type: string): boolean {
  if (type === TEST_EVENT) return false;
  return events.includes("*") || events.includes(type);
}

/** A fresh signing secret (256 bits), shown once when the endpoint is created. */
export function generateSecret(): string {
  return `whsec_${randomBytes(32).toString("base64url")}`;
}

// Routing rules name endpoints (`webhook: on-call`), so names are short slugs.
const name = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, "1-64 letters, digits, '.', '_' or '-', starting with a letter or digit");

const url = z
  .string()
  .max(2048)
  .refine(
    (s) => URL.canParse(s) && ["http:", "https:"].includes(new URL(s).protocol),
    "must be an absolute http:// or https:// URL",
  )
  .refine(
    (s) => !URL.canParse(s) || (new URL(s).username === "" && new URL(s).password === ""),
    "must not carry credentials; authenticate with the signature",
  );

const events = z
  .array(z.enum(["*", ...subscribableEvents] as [string, ...string[]]))
  .min(1)
  .max(64)
  .refine((list) => !list.includes("*") || list.length === 1, 'use ["*"] alone for every event, or list the types')
  .transform((list) => [...new Set(list)]);

// A caller's own secret must be hard to guess; the generated ones are 43 characters of base64url.
const secret = z
  .string()
  .min(16)
  .max(256)
  .regex(/^[\x21-\x7e]+$/, "printable ASCII without spaces");

export const createEndpointSchema = z
  .object({
    name,
    url,
    // Required: "every event" should be a choice, not a default nobody noticed.
    events,
    secret: secret.optional(),
    enabled: z.boolean().default(true),
  })
  .strict();

export const updateEndpointSchema = z
  .object({
    name: name.optional(),
    url: url.optional(),
    events: events.optional(),
    secret: secret.optional(),
    enabled: z.boolean().optional(),
  })
  .strict()
  .refine((o) => Object.keys(o).length > 0, "name at least one field to change");

export type CreateEndpointInput = z.infer<typeof createEndpointSchema>;
export type UpdateEndpointInput = z.infer<typeof updateEndpointSchema>;
