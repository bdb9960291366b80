import type { TaskRegistry } from "../jobs/tasks/registry.js";
import { webhookDeliverTask } from "./deliver-task.js";
import { DELIVER_KIND, type WebhookServices } from "./enqueue.js";
import { attachWebhookFanOut } from "./fan-out.js";

/**
 * Registers `webhook.deliver` and attaches the fan-out to the event bus.
 * Called once per process that publishes events or runs jobs (serve and
 * worker), through registerAppTasks. Returns the fan-out's unsubscribe.
 */
export function registerWebhookTasks(s: WebhookServices & { tasks: TaskRegistry }): () => void {
  s.tasks.register(DELIVER_KIND, webhookDeliverTask(s));
  return attachWebhookFanOut(s);
}
