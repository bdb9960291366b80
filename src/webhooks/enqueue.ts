import { eventEnvelope } from "../events/envelope.js";
import type { KindedJob } from "../jobs/kinds.js";
import type { EnqueueResult } from "../jobs/types.js";
import type { Database } from "better-sqlite3";
import type { ParleyConfig } from "../config/index.js";
import type { EventBus } from "../events/bus.js";
import type { JobQueue } from "../jobs/index.js";
import type { Clock } from "../lib/clock.js";
import type { Logger } from "../lib/logger.js";
import type { OutboundPolicy } from "../lib/outbound/index.js";
import { WebhooksRepo, type WebhookEndpointRecord } from "../store/repos/webhooks-repo.js";
import type { SqlStore } from "../store/sql/port.js";
import { endpointDisabled, eventNotFound, unknownEndpointName } from "./errors.js";

import { DELIVER_KIND, type DeliverEvent, type DeliverPayload } from "./kinds.js";

export { DELIVER_KIND, type DeliverEvent, type DeliverPayload };

/** What the webhooks feature uses, and nothing more (so callers and tests need not build everything). */
export interface WebhookServices {
  db: Database;
  /** Where endpoints and the delivery log are: the node's SQLite file, or the shared PostgreSQL store (store.url). */
  sql: SqlStore;
  queue: JobQueue;
  bus: EventBus;
  config: ParleyConfig;
  clock: Clock;
  logger: Logger;
  /** Where webhooks may send requests (config webhooks.*). */
  outbound: { webhooks: OutboundPolicy };
}

// Deliveries are short I/O; an urgent-voicemail alert must not wait behind a backlog of transcriptions.
const DELIVERY_PRIORITY = 10;

/**
 * The Idempotency-Key of one event to one endpoint. It is also the job's
 * idempotency key, so the fan-out, a routing rule and any replay of the same
 * event enqueue one job between them, on whichever node (with store.url the
 * nodes share one event log, so an event's id is the same everywhere), and
 * every attempt sends the same header. `origin` is only for jobs queued by
 * builds whose nodes numbered their events each on their own.
 */
export function deliveryKey(eventId: number, endpointId: number, origin: string | null = null): string {
  return origin ? `event-${origin}-${eventId}-endpoint-${endpointId}` : `event-${eventId}-endpoint-${endpointId}`;
}

/** The job that delivers this event to this endpoint; the event travels with it (any node may run the job). */
export function deliveryJob(
  s: Pick<WebhookServices, "config">,
  endpointId: number,
  event: DeliverEvent,
): KindedJob<typeof DELIVER_KIND> {
  const id = event.id;
  return {
    kind: DELIVER_KIND,
    payload: { endpointId, eventId: id, event: eventEnvelope(event) },
    priority: DELIVERY_PRIORITY,
    maxAttempts: s.config.webhooks.maxAttempts,
    idempotencyKey: deliveryKey(id, endpointId),
  };
}

/** Enqueues the delivery of an event this node stored to one endpoint (the event must exist; the endpoint must be enabled). */
export async function enqueueDelivery(
  s: WebhookServices,
  endpoint: WebhookEndpointRecord,
  eventId: number,
): Promise<EnqueueResult<DeliverPayload>> {
  if (!endpoint.enabled) throw endpointDisabled(endpoint.name);
  const event = await s.bus.get(eventId);
  if (!event) throw eventNotFound(eventId);
  return s.queue.enqueue(deliveryJob(s, endpoint.id, event));
}

/**
 * Delivers a stored event to the endpoint a routing rule names
 * (`webhook: on-call`), whether or not that endpoint subscribes to the
 * event's type. Throws a WebhookError the caller can log: unknown name
 * (`webhook_endpoint_unknown`), disabled endpoint, or unknown event. If the
 * fan-out already queued this event for this endpoint, that job is returned
 * (`created: false`) and nothing is sent twice.
 *
 * @example
 * await deliverTo(services, "on-call", urgentEvent.id);
 */
export async function deliverTo(
  s: WebhookServices,
  endpointName: string,
  eventId: number,
): Promise<EnqueueResult<DeliverPayload>> {
  const endpoint = await new WebhooksRepo(s.sql).byName(endpointName);
  if (!endpoint) throw unknownEndpointName(endpointName);
  return enqueueDelivery(s, endpoint, eventId);
}

/** Publishes a `webhook.test` event and queues it for this endpoint only; resolves with the event id and the job. */
export async function sendTestEvent(
  s: WebhookServices,
  endpoint: WebhookEndpointRecord,
): Promise<{ eventId: number; job: EnqueueResult<DeliverPayload>["job"] }> {
  if (!endpoint.enabled) throw endpointDisabled(endpoint.name);
  const event = await s.bus.publish("webhook.test", `webhook:${endpoint.id}`, {
    endpointId: endpoint.id,
    endpoint: endpoint.name,
    message: "A test delivery from Parley: if you can read this, the endpoint and its signature check work.",
  });
  const { job } = await s.queue.enqueue(deliveryJob(s, endpoint.id, event));
  return { eventId: event.id, job };
}
