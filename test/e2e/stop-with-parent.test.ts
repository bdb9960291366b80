import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pullModels } from "../helpers/parley-setup.js";
import { repoRoot } from "../helpers/paths.js";

/**
 * The benchmarks start `parley serve` as a child (src/bench/calls/server-process.ts). When the bench is killed
 * (a test's timeout sends SIGKILL), that server used to run on, orphaned. With PARLEY_STOP_WITH_PARENT=1 the child
 * stops gracefully when its stdin pipe closes, which is what a dead parent's pipe does; here the test closes it.
 */
describe("parley serve started with PARLEY_STOP_WITH_PARENT", () => {
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "parley-stop-with-parent-"));
    await pullModels(["--data-dir", dir]);
  }, 120_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("stops, exit code 0, when its stdin pipe closes, and takes the variable for no setting", async () => {
    const child = spawn(
      process.execPath,
      [
        join(repoRoot, "bin", "parley.js"),
        "serve",
        "--profile",
        "tiny",
        "--data-dir",
        dir,
        "--http",
        "127.0.0.1:0",
        "--no-sip",
      ],
      { cwd: dir, env: { ...process.env, PARLEY_STOP_WITH_PARENT: "1" }, stdio: ["pipe", "ignore", "pipe"] },
    );
    let stderr = "";
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    await new Promise<void>((resolve, reject) => {
      child.stderr.on("data", (d: Buffer) => {
        stderr += d.toString();
        if (stderr.includes("listening on")) resolve();
      });
      child.once("exit", () => reject(new Error(`serve exited before listening:\n${stderr}`)));
    });
    child.stdin.end();
    // Bounded: a server that ignored the closed pipe is killed and the test fails on its exit code.
    const kill = setTimeout(() => child.kill("SIGKILL"), 60_000);
    const code = await exited;
    clearTimeout(kill);
    expect(code, stderr.slice(-2000)).toBe(0);
    expect(stderr).not.toContain("ignoring PARLEY_STOP_WITH_PARENT");
  }, 120_000);
});
