import type { PublishedEvent } from "../events/types.js";
import { describeError } from "../lib/errors.js";
import { WebhooksRepo, type WebhookEndpointRecord } from "../store/repos/webhooks-repo.js";
import { subscribes } from "./endpoint-input.js";
import { deliveryJob, type WebhookServices } from "./enqueue.js";

/**
 * Queues one `webhook.deliver` job per enabled endpoint subscribed to each
 * event this node publishes. Returns the unsubscribe function.
 *
 * On SQLite the bus calls listeners synchronously and the endpoints are read
 * synchronously, so the jobs are inserted before `publish()` returns (inside
 * the publisher's transaction, if it has one): an event is not stored without
 * its deliveries in any crash short of one between two statements. With
 * store.url the endpoints are shared in PostgreSQL and read asynchronously: the
 * jobs are queued just after `publish()` returns, so a crash in between loses
 * them. The idempotency key makes a second publish of the same event id (a
 * replay) add nothing.
 */
export function attachWebhookFanOut(s: WebhookServices): () => void {
  const repo = new WebhooksRepo(s.sql);
  return s.bus.subscribe((event) => {
    if (s.sql.dialect === "sqlite") {
      queueFor(s, event, WebhooksRepo.enabledNow(s.db));
      return;
    }
    repo.enabled().then(
      (endpoints) => queueFor(s, event, endpoints),
      (err: unknown) => failed(s, event, [], err),
    );
  });
}

function queueFor(s: WebhookServices, event: PublishedEvent, endpoints: WebhookEndpointRecord[]): void {
  const targets = endpoints.filter((e) => subscribes(e.events, event.type));
  if (targets.length === 0) return;
  s.queue
    .enqueueMany(targets.map((e) => deliveryJob(s, e.id, event)))
    .catch((err: unknown) => failed(s, event, targets, err));
}

function failed(s: WebhookServices, event: PublishedEvent, targets: WebhookEndpointRecord[], err: unknown): void {
  s.logger.error(
    { err: describeError(err), eventId: event.id, event: event.type, endpoints: targets.map((e) => e.name) },
    "webhook fan-out failed",
  );
}
