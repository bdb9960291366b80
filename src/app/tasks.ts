import { registerFeatureJobs } from "../jobs/index.js";
import type { Features } from "./features.js";
import type { Infrastructure } from "./infrastructure.js";

/**
 * Registers every feature's job kinds on the process's task registry and starts the features' listeners
 * (webhook fan-out, voicemail and notification status following their jobs): serve and worker alike.
 * Returns the detach of the listeners.
 */
export function registerAppTasks(infra: Pick<Infrastructure, "tasks">, features: Features): () => void {
  const { voicemail, webhooks, calls, notify } = features;
  return registerFeatureJobs(infra.tasks, [voicemail, webhooks, calls, notify]);
}
