import { describeError } from "../lib/errors.js";
import { WebhooksRepo } from "../store/repos/webhooks-repo.js";
import { subscribes } from "./endpoint-input.js";
import { deliveryJob, type WebhookServices } from "./enqueue.js";

/**
 * Queues one `webhook.deliver` job per enabled endpoint subscribed to each
 * published event. Returns the unsubscribe function.
 *
 * The bus calls listeners synchronously and better-sqlite3 is synchronous, so
 * the jobs are inserted before `publish()` returns (inside the publisher's
 * transaction, if it has one): an event is not stored without its deliveries
 * in any crash short of one between two statements. The idempotency key makes
 * a second publish of the same event id (a replay) add nothing.
 */
export function attachWebhookFanOut(s: WebhookServices): () => void {
  const repo = WebhooksRepo.for(s.db);
  return s.bus.subscribe((event) => {
    const targets = repo.enabled().filter((e) => subscribes(e.events, event.type));
    if (targets.length === 0) return;
    const jobs = targets.map((e) => deliveryJob(e.id, event.id, s.config.webhooks.maxAttempts));
    s.queue.enqueueMany(jobs).catch((err: unknown) => {
      s.logger.error(
        { err: describeError(err), eventId: event.id, event: event.type, endpoints: targets.map((e) => e.name) },
        "webhook fan-out failed",
      );
    });
  });
}
