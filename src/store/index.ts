export { openDatabase, type Database, type OpenDatabaseOptions } from "./database.js";
export { StoreError, type StoreErrorCode } from "./errors.js";
export { loadMigrations, defaultMigrationsDir, type Migration } from "./migration-files.js";
export { migrate, type MigrationReport } from "./migrate.js";
export { JobsRepo, type JobListFilter, type NewJobRow } from "./repos/jobs-repo.js";
export { JobEventsRepo, type NewJobEvent } from "./repos/job-events-repo.js";
export * from "./repos/job-record.js";
