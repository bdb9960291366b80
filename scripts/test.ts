/**
 * `npm test`: the whole suite on the embedded store (SQLite), then, when a PostgreSQL answers, the integration files
 * whose apps run on the store again with every app on PostgreSQL (PARLEY_TEST_STORE=postgres: test/helpers/app.ts
 * gives each app a scratch schema), as nodes with `store.url` run. Without a PostgreSQL it says once why that pass
 * is skipped. Arguments go to both passes (`npm test -- test/integration/api` runs that folder on both stores; the
 * PostgreSQL pass then runs what they name among the system project's files, none being no failure).
 *
 * Which files the PostgreSQL pass runs, and why (README, "Run the tests"): only `createTestApp` reads
 * PARLEY_TEST_STORE, so a file whose imports never reach test/helpers/app.ts runs the same on both passes and is run
 * once (the repositories' own suites in test/integration/store run on both engines in the first pass already, via
 * test/helpers/sql-stores.ts).
 */
import { spawnSync } from "node:child_process";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { postgresUnavailable } from "../test/helpers/postgres.js";
import { storeDependentFiles } from "./store-dependent-tests.js";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const vitest = join(root, "node_modules/vitest/vitest.mjs");

const args = process.argv.slice(2);
const { PARLEY_TEST_STORE: _, ...env } = process.env;

const first = spawnSync(process.execPath, [vitest, "run", ...args], { cwd: root, env, stdio: "inherit" });
if (first.status === null) process.exit(1); // interrupted (Ctrl-C): no second pass

const skip = await postgresUnavailable();
if (skip) {
  process.stdout.write(`\nThe integration tests on PostgreSQL were skipped: ${skip}\n`);
  process.exit(first.status);
}
const files = args.length > 0 ? ["--passWithNoTests", ...args] : storeDependentFiles(root);
process.stdout.write(
  `\nThe integration tests on PostgreSQL (PARLEY_TEST_STORE=postgres): ${args.length > 0 ? args.join(" ") : `${files.length} files whose apps use the store`}\n`,
);
const second = spawnSync(process.execPath, [vitest, "run", "--project", "system", ...files], {
  cwd: root,
  env: { ...env, PARLEY_TEST_STORE: "postgres" },
  stdio: "inherit",
});
process.exit(first.status !== 0 ? first.status : (second.status ?? 1));
