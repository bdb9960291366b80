import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { repoRoot } from "./helpers/paths.js";

/**
 * Runs once before the suite: builds dist/ (incrementally, so usually a no-op
 * after `npm ci`) because the end-to-end tests run the real `parley` binary.
 * Type errors do not stop the tests here (tsc still emits, and `npm ci` /
 * `npm run typecheck` are where types are enforced); a build that produced
 * no CLI does.
 *
 * It also gives the run a scratch folder (`inject("runCache")`) for what the test files may share within one run and
 * never across runs, so nothing there can go stale: the tiny profile's pulled store (helpers/parley-setup.ts).
 */
export default function setup(project: TestProject): () => void {
  const tsc = spawnSync(
    process.execPath,
    [join(repoRoot, "node_modules/typescript/bin/tsc"), "-p", "tsconfig.build.json"],
    { cwd: repoRoot, encoding: "utf8" },
  );
  if (tsc.status !== 0)
    process.stderr.write(
      `global setup: tsc reported errors (the build still emitted):\n${tsc.stdout.slice(0, 4000)}\n`,
    );
  const assets = spawnSync(process.execPath, [join(repoRoot, "scripts/copy-assets.mjs")], {
    cwd: repoRoot,
    encoding: "utf8",
  });
  if (assets.status !== 0) throw new Error(`copying run-time assets failed: ${assets.stderr}`);
  if (!existsSync(join(repoRoot, "dist/src/cli/bin.js"))) throw new Error("the build produced no dist/src/cli/bin.js");
  const runCache = mkdtempSync(join(tmpdir(), "parley-test-run-"));
  project.provide("runCache", runCache);
  return () => rmSync(runCache, { recursive: true, force: true });
}

declare module "vitest" {
  export interface ProvidedContext {
    /** A folder for this run only, removed after it (see above). */
    runCache: string;
  }
}
