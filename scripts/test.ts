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
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { postgresUnavailable } from "../test/helpers/postgres.js";
import { storeDependentFiles } from "./store-dependent-tests.js";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const vitest = join(root, "node_modules/vitest/vitest.mjs");

const args = process.argv.slice(2);
const { PARLEY_TEST_STORE: _, ...env } = process.env;

// Each pass also writes vitest's JSON report, so that the end of the output names every failure of both passes: a
// log cut to its last lines (a CI summary) otherwise shows only the second pass.
const reports = mkdtempSync(join(tmpdir(), "parley-test-reports-"));
const reporting = (pass: string) => [
  "--reporter=default",
  "--reporter=json",
  `--outputFile.json=${join(reports, pass)}`,
];
const finish = (code: number): never => {
  const failures = [
    ...failuresOf(join(reports, "first"), "SQLite"),
    ...failuresOf(join(reports, "second"), "PostgreSQL"),
  ];
  if (failures.length > 0) process.stdout.write(`\nFailed (both passes):\n${failures.map((f) => `  ${f}\n`).join("")}`);
  rmSync(reports, { recursive: true, force: true });
  process.exit(code);
};

const first = spawnSync(process.execPath, [vitest, "run", ...reporting("first"), ...args], {
  cwd: root,
  env,
  stdio: "inherit",
});
if (first.status === null) finish(1); // interrupted (Ctrl-C): no second pass

const skip = await postgresUnavailable();
if (skip) {
  process.stdout.write(`\nThe integration tests on PostgreSQL were skipped: ${skip}\n`);
  finish(first.status ?? 1);
}
const files = args.length > 0 ? ["--passWithNoTests", ...args] : storeDependentFiles(root);
process.stdout.write(
  `\nThe integration tests on PostgreSQL (PARLEY_TEST_STORE=postgres): ${args.length > 0 ? args.join(" ") : `${files.length} files whose apps use the store`}\n`,
);
const second = spawnSync(process.execPath, [vitest, "run", "--project", "system", ...reporting("second"), ...files], {
  cwd: root,
  env: { ...env, PARLEY_TEST_STORE: "postgres" },
  stdio: "inherit",
});
finish(first.status !== 0 ? (first.status ?? 1) : (second.status ?? 1));

/** The failed tests (and files that failed to run) in a vitest JSON report, one line each; none if it is absent. */
function failuresOf(report: string, store: string): string[] {
  let parsed: {
    testResults?: {
      name: string;
      status: string;
      message?: string;
      assertionResults?: { fullName: string; status: string }[];
    }[];
  };
  try {
    parsed = JSON.parse(readFileSync(report, "utf8")) as typeof parsed;
  } catch {
    return [];
  }
  const out: string[] = [];
  for (const file of parsed.testResults ?? []) {
    const path = relative(root, file.name);
    const failed = (file.assertionResults ?? []).filter((t) => t.status === "failed");
    for (const t of failed) out.push(`${store}: ${path} > ${t.fullName}`);
    if (failed.length === 0 && file.status === "failed")
      out.push(`${store}: ${path}: ${(file.message ?? "failed").split("\n")[0]}`);
  }
  return out;
}
