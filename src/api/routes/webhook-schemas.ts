import { z } from "zod";

/** Response shapes of /v1/webhooks, for the OpenAPI document (the handlers build them from the repo records). */
const ms = z.iso.datetime().describe("ISO 8601, UTC");

export const endpointSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  url: z.string(),
  events: z.array(z.string()).describe('event types, or ["*"] for all'),
  enabled: z.boolean(),
  createdAt: ms,
  updatedAt: ms,
});

export const createdEndpointSchema = endpointSchema.extend({
  secret: z.string().describe("the signing secret: returned by this response only, store it now"),
});

export const deliveryStateSchema = z.object({
  jobId: z.number().int(),
  status: z
    .enum(["queued", "running", "failed", "succeeded", "dead", "cancelled"])
    .describe("failed: waiting to retry; dead: gave up"),
  attempts: z.number().int(),
  maxAttempts: z.number().int(),
  nextAttemptAt: ms.nullable().describe("when the next attempt runs, while one is due"),
});

export const deliverySchema = z.object({
  id: z.number().int(),
  endpointId: z.number().int(),
  eventId: z.number().int(),
  eventType: z.string().nullable(),
  jobId: z
    .number()
    .int()
    .nullable()
    .describe("the webhook.deliver job of this attempt (one job per event and endpoint)"),
  delivery: deliveryStateSchema
    .nullable()
    .describe("where the delivery stands now; null for attempts logged before job ids were kept"),
  idempotencyKey: z
    .string()
    .describe("the Idempotency-Key header sent; the same for every attempt of one event to one endpoint"),
  attempt: z.number().int(),
  statusCode: z.number().int().nullable().describe("the receiver's HTTP status; null when no response came"),
  error: z.string().nullable(),
  durationMs: z.number().int(),
  createdAt: ms,
});

export const testResultSchema = z.object({
  eventId: z.number().int().describe("the webhook.test event"),
  jobId: z.number().int().describe("the webhook.deliver job; also the Parley-Delivery header"),
});
