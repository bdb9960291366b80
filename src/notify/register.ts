import type { NotifyDeps } from "./deps.js";
import { registerCallbackTask } from "./callbacks/callback-task.js";
import { registerTickTask } from "./campaigns/tick-task.js";
import { registerDeliverTask } from "./deliver-task.js";
import { registerRenderTask } from "./render-task.js";

/**
 * The outbound job kinds: notify.render, notify.deliver, campaign.tick and
 * callback.place. The three that dial need SIP, so they belong to the
 * process that runs it (`parley serve`); see docs/notifications.md for a
 * lane of their own.
 */
export function registerNotifyTasks(services: NotifyDeps): void {
  registerRenderTask(services);
  registerDeliverTask(services);
  registerTickTask(services);
  registerCallbackTask(services);
}
