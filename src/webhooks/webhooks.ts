import type { EnqueueResult, FeatureJobs } from "../jobs/index.js";
import type { WebhookDeliveryRecord, WebhookEndpointRecord } from "../store/repos/webhooks-repo.js";
import { webhookDeliverTask } from "./deliver-task.js";
import { retryDelivery, withDeliveryState, type DeliveryAttempt, type DeliveryState } from "./delivery-jobs.js";
import { DELIVER_KIND, deliverTo, sendTestEvent, type DeliverPayload, type WebhookServices } from "./enqueue.js";
import { attachWebhookFanOut } from "./fan-out.js";

/** The webhooks feature as the API and the other features (through app/) see it. */
export interface Webhooks extends FeatureJobs {
  /** Queues the delivery of a stored event to the named endpoint (a voicemail routing rule's webhook). */
  deliverTo(endpointName: string, eventId: number): Promise<EnqueueResult<DeliverPayload>>;
  /** Publishes a `webhook.test` event and queues it for this endpoint only. */
  sendTest(endpoint: WebhookEndpointRecord): ReturnType<typeof sendTestEvent>;
  /** Logged attempts with the state of their delivery: status, attempts, next retry. */
  deliveryStates(attempts: readonly WebhookDeliveryRecord[]): Promise<DeliveryAttempt[]>;
  /** Runs a failed or dead delivery of the endpoint again now (404 if the job is not its delivery, 409 if not failed). */
  retryDelivery(endpointId: number, jobId: number): Promise<DeliveryState>;
}

/**
 * The webhooks feature: its task is the signed `webhook.deliver`; watching attaches the fan-out of every
 * published domain event to the subscribed endpoints (once per process that publishes events or runs jobs).
 */
export function createWebhooks(deps: WebhookServices): Webhooks {
  return {
    deliverTo: (endpointName, eventId) => deliverTo(deps, endpointName, eventId),
    sendTest: (endpoint) => sendTestEvent(deps, endpoint),
    deliveryStates: (attempts) => withDeliveryState(deps.queue, attempts),
    retryDelivery: (endpointId, jobId) => retryDelivery(deps.queue, endpointId, jobId),
    tasks: { [DELIVER_KIND]: webhookDeliverTask(deps) },
    watch: () => attachWebhookFanOut(deps),
  };
}
