export type * from "./types.js";
export type { JobKind, JobKinds, KindedJob, PayloadOf } from "./kinds.js";
export { retryDelayMs, type RetryPolicy } from "./backoff.js";
export { TypedEmitter, type JobEventMap, type JobEvents } from "./events.js";
export {
  JobJsonError,
  JobLeaseLostError,
  JobNotFoundError,
  JobStateError,
  JobTimeoutError,
  isRetryable,
  toJobError,
} from "./job-errors.js";
export { JobQueue, type JobQueueOptions } from "./queue.js";
export { SqliteQueueBackend, type SqliteQueueOptions } from "./sqlite-backend.js";
export { createSqliteJobQueue, type CreateQueueOptions } from "./create-queue.js";
export { createJobQueue } from "./select-queue.js";
export { createPostgresJobQueue, PostgresQueueBackend, type PostgresStore } from "./postgres/index.js";
export { Worker, type WorkerOptions, type StopReport } from "./worker.js";
export { resolveWorkerSettings, type LaneSettings, type WorkerSettings } from "./worker-settings.js";
export { attachJobMetrics } from "./metrics.js";
export {
  createTaskRegistry,
  defaultTaskRegistry,
  registerBuiltinTasks,
  registerFeatureJobs,
  type FeatureJobs,
  type TaskTable,
  TaskRegistry,
  type Task,
  type TaskDefinition,
  type TaskHelpers,
} from "./tasks/index.js";
