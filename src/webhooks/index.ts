/** Webhooks: endpoints, the fan-out of domain events, and the signed `webhook.deliver` task. */
export {
  deliverTo,
  deliveryKey,
  DELIVER_KIND,
  sendTestEvent,
  type DeliverPayload,
  type WebhookServices,
} from "./enqueue.js";
export { createWebhooks, type Webhooks } from "./webhooks.js";
export { WebhookEndpoints, publicView, type DeliveryPage, type WebhookEndpoint } from "./endpoints.js";
export {
  createEndpointSchema,
  updateEndpointSchema,
  subscribableEvents,
  subscribes,
  TEST_EVENT,
  type CreateEndpointInput,
  type UpdateEndpointInput,
} from "./endpoint-input.js";
export { WebhookError, type WebhookErrorCode } from "./errors.js";
export type { DeliverResult } from "./deliver-task.js";
export type { DeliveryAttempt, DeliveryState } from "./delivery-jobs.js";
