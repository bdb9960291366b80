export { PostgresQueueBackend, type PostgresQueueOptions } from "./backend.js";
export { createPostgresJobQueue, type PostgresStore } from "./create.js";
export { migratePostgresQueue, postgresQueueMigrations } from "./migrate.js";
