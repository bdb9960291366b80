export type { SqlDialect, SqlExecutor, SqlRunResult, SqlStore, SqlValue } from "./port.js";
export { numberPlaceholders } from "./placeholders.js";
export { SqliteSql } from "./sqlite.js";
export { createPostgresSql, postgresStoreMigrations, type PostgresStoreConfig } from "./postgres.js";
export { migratePostgres, type PostgresMigrationSet } from "./postgres-migrate.js";
export { openSqlStore } from "./open.js";
