import { z } from "zod";
import { eventEnvelope } from "../events/envelope.js";
import { ParleyError } from "../lib/errors.js";
import type { TaskDefinition } from "../jobs/tasks/registry.js";
import { WebhooksRepo } from "../store/repos/webhooks-repo.js";
import { deliveryKey, type DeliverEvent, type DeliverPayload, type WebhookServices } from "./enqueue.js";
import { deliveryFailed, WebhookError } from "./errors.js";
import { webhookHeaders } from "./request.js";
import { postWebhook } from "./send.js";

export type DeliverResult =
  | { delivered: true; statusCode: number; attempt: number; durationMs: number }
  | { skipped: "endpoint_deleted" | "endpoint_disabled" };

// The event's envelope, as the body sends it (enqueue.ts: deliveryJob).
const eventSchema = z.object({
  id: z.number().int().positive(),
  type: z.string().min(1),
  createdAt: z.string().min(1),
  data: z.unknown(),
});

const payloadSchema = z.object({
  endpointId: z.number().int().positive(),
  eventId: z.number().int().positive(),
  // Absent in payloads queued before the event travelled with its delivery.
  event: eventSchema.optional(),
  origin: z.string().min(1).nullable().optional(),
});

// The HTTP timeout fires first; this only stops a run that hangs elsewhere.
const TASK_MARGIN_MS = 5000;

/**
 * The `webhook.deliver` task: one attempt to POST one event to one endpoint.
 * Every attempt is written to `webhook_deliveries`. Anything but a 2xx
 * throws a retryable error, so the queue retries with backoff up to
 * `webhooks.maxAttempts` and then dead-letters (without a `job.dead` event,
 * which could loop back into a webhook).
 */
export function webhookDeliverTask(s: WebhookServices): TaskDefinition<DeliverPayload, DeliverResult> {
  const repo = new WebhooksRepo(s.sql);
  return {
    timeoutMs: s.config.webhooks.timeoutMs + TASK_MARGIN_MS,
    parsePayload: (payload) => {
      const r = payloadSchema.safeParse(payload);
      if (!r.success)
        throw new ParleyError("job_invalid", "webhook.deliver payload: expected { endpointId, eventId, event? }", {
          status: 400,
        });
      return r.data;
    },
    run: async ({ endpointId, eventId, event: carried, origin }, { job, signal }) => {
      // Deleted or disabled since the job was queued: the operator's latest word wins; nothing to retry.
      // The endpoint is read now (not carried), so a secret or URL changed since applies to this attempt.
      const endpoint = await repo.get(endpointId);
      if (!endpoint) return { skipped: "endpoint_deleted" };
      if (!endpoint.enabled) return { skipped: "endpoint_disabled" };
      const event = carried ?? eventEnvelope(await storedEvent(s, eventId));
      const body = JSON.stringify(event);
      const idempotencyKey = job.idempotencyKey ?? deliveryKey(eventId, endpointId, origin ?? null);
      const headers = webhookHeaders({
        body,
        eventType: event.type,
        deliveryId: job.id,
        idempotencyKey,
        secret: endpoint.secret,
        nowSec: Math.floor(s.clock.now() / 1000),
      });
      const outcome = await postWebhook(endpoint.url, body, headers, {
        timeoutMs: s.config.webhooks.timeoutMs,
        signal,
        policy: s.outbound.webhooks,
      });
      await repo.addDelivery({
        endpointId,
        eventId,
        eventType: event.type,
        jobId: job.id,
        idempotencyKey,
        attempt: job.attempts,
        statusCode: outcome.statusCode,
        error: outcome.error,
        durationMs: outcome.durationMs,
        createdAt: s.clock.now(),
      });
      if (!outcome.ok) throw deliveryFailed(endpoint.name, outcome);
      return {
        delivered: true,
        statusCode: outcome.statusCode as number,
        attempt: job.attempts,
        durationMs: outcome.durationMs,
      };
    },
  };
}

/** The event of a payload queued before events travelled with their delivery: the event log has it. */
async function storedEvent(s: WebhookServices, eventId: number): Promise<DeliverEvent> {
  const event = await s.bus.get(eventId);
  if (!event)
    throw new WebhookError("webhook_event_not_found", `event ${eventId} does not exist; nothing to deliver`, {
      status: 404,
      retryable: false,
    });
  return event;
}
