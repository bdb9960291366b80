import type { Services } from "../server/services.js";
import { registerCallbackTask } from "./callbacks/callback-task.js";
import { callbackTimer } from "./callbacks/timer.js";
import { registerTickTask } from "./campaigns/tick-task.js";
import { registerDeliverTask } from "./deliver-task.js";
import { registerRenderTask } from "./render-task.js";

/**
 * The outbound job kinds: notify.render, notify.deliver, campaign.tick and
 * callback.place. The three that dial need SIP, so they belong to the
 * process that runs it (`parley serve`); see docs/notifications.md for a
 * lane of their own.
 */
export function registerNotifyTasks(services: Services): void {
  // The callback policy the voicemail routing and live calls ask (they do not import notify).
  services.callbackTimer = callbackTimer(services);
  registerRenderTask(services);
  registerDeliverTask(services);
  registerTickTask(services);
  registerCallbackTask(services);
}
