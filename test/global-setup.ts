import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { repoRoot } from "./helpers/paths.js";

/**
 * Runs once before the suite: builds dist/ (incrementally, so usually a no-op
 * after `npm ci`) because the end-to-end tests run the real `parley` binary.
 */
export default function setup(): void {
  execFileSync(process.execPath, [join(repoRoot, "node_modules/typescript/bin/tsc"), "-p", "tsconfig.build.json"], { cwd: repoRoot, stdio: "inherit" });
  execFileSync(process.execPath, [join(repoRoot, "scripts/copy-assets.mjs")], { cwd: repoRoot, stdio: "inherit" });
}
