import { registerCallSummaryTask } from "../jobs/tasks/call-summary.js";
import { registerVoicemailTasks } from "../jobs/tasks/voicemail.js";
import { registerNotifyTasks } from "../notify/register.js";
import { registerWebhookTasks } from "../webhooks/index.js";
import type { Services } from "./services.js";

/** Registers every job kind of this build on the services' task registry (serve and worker alike). */
export function registerAppTasks(services: Services): void {
  registerVoicemailTasks(services);
  registerWebhookTasks(services);
  registerCallSummaryTask(services);
  registerNotifyTasks(services);
}
