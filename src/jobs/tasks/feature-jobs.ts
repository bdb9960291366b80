import type { JobKind, JobKinds } from "../kinds.js";
import type { TaskDefinition, TaskRegistry } from "./registry.js";

/**
 * A feature's job kinds and the task that runs each: the feature declares the
 * kinds (its `kinds.ts`) and gives the tasks here, so a kind's payload type and
 * its task are checked against each other at compile time.
 */
export type TaskTable = { readonly [K in JobKind]?: TaskDefinition<JobKinds[K], unknown> };

/** What every feature hands the composition root about its jobs. */
export interface FeatureJobs {
  /** Job kind -> its task: what this feature runs on a worker. */
  readonly tasks: TaskTable;
  /**
   * Starts the listeners that keep this feature's records in step with the queue and the event bus (a voicemail
   * marked failed when its job dies, webhook fan-out). Returns the detach. A process calls it once.
   */
  watch(): () => void;
}

/**
 * Registers every feature's tasks on the registry and starts their listeners, in one loop: the one place a
 * process learns the job kinds of its build. Returns the detach of all listeners.
 */
export function registerFeatureJobs(registry: TaskRegistry, features: readonly FeatureJobs[]): () => void {
  const detach: (() => void)[] = [];
  for (const feature of features) {
    // Each entry was checked against its kind by TaskTable; the registry stores them untyped.
    for (const [kind, task] of Object.entries(feature.tasks) as unknown as [string, TaskDefinition][])
      registry.register(kind, task);
    detach.push(feature.watch());
  }
  return () => detach.splice(0).forEach((d) => d());
}
