import { registerBuiltinTasks } from "./builtin.js";
import { createTaskRegistry, type TaskRegistry } from "./registry.js";

export { createTaskRegistry, TaskRegistry, type Task, type TaskDefinition, type TaskHelpers } from "./registry.js";
export { registerBuiltinTasks } from "./builtin.js";
export { registerFeatureJobs, type FeatureJobs, type TaskTable } from "./feature-jobs.js";

/**
 * The tasks of this build, for `parley worker` and `parley serve`. Features add
 * their kinds with `registerFeatureJobs` (app/ does it for every feature in one loop).
 */
export function defaultTaskRegistry(): TaskRegistry {
  return registerBuiltinTasks(createTaskRegistry());
}
