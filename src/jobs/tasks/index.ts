import { registerBuiltinTasks } from "./builtin.js";
import { createTaskRegistry, type TaskRegistry } from "./registry.js";

export { createTaskRegistry, TaskRegistry, type Task, type TaskDefinition, type TaskHelpers } from "./registry.js";
export { registerBuiltinTasks } from "./builtin.js";

/**
 * The tasks of this build, for `parley worker` and `parley serve`. Modules
 * that add job kinds (voicemail, forms, notify, webhooks) register them here.
 */
export function defaultTaskRegistry(): TaskRegistry {
  return registerBuiltinTasks(createTaskRegistry());
}
