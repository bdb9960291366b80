import { registerCallSummaryTask } from "../calls/summary-task.js";
import { registerVoicemailTasks } from "../voicemail/tasks.js";
import { callbackTimer } from "../notify/callbacks/timer.js";
import { registerNotifyTasks } from "../notify/register.js";
import { registerWebhookTasks } from "../webhooks/index.js";
import type { Services } from "./services.js";

/** Registers every job kind of this build on the services' task registry (serve and worker alike). */
export function registerAppTasks(services: Services): void {
  registerVoicemailTasks(services);
  registerWebhookTasks(services);
  registerCallSummaryTask(services);
  // The callback policy the voicemail routing and live calls ask (they do not import notify).
  services.callbackTimer = callbackTimer(services);
  registerNotifyTasks(services);
}
