import { randomBytes } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import {
  commandHelperPid,
  runCommand,
  startCommandHelper,
  stopCommandHelper,
} from "../../../src/lib/commands/helper.js";

/** `sh -c SCRIPT`: the shell's parent is whichever process forked it. */
const sh = (script: string, input?: Uint8Array) => runCommand("sh", ["-c", script], input ? { input } : {});

describe("commands through the helper process", () => {
  afterEach(() => stopCommandHelper());

  it("without the helper, a command runs from this process: stdin in, stdout, stderr and exit code out", async () => {
    expect(commandHelperPid()).toBeNull();
    const r = await sh('echo "$PPID"; cat; echo oops >&2; exit 3', new TextEncoder().encode("hello"));
    expect(r.code).toBe(3);
    expect(r.stdout.toString()).toBe(`${process.pid}\nhello`);
    expect(r.stderr.trim()).toBe("oops");
    expect(r.spawnError).toBeNull();
  });

  it("with the helper, the fork happens in the helper, and bytes cross both ways unchanged", async () => {
    await startCommandHelper();
    const helper = commandHelperPid();
    expect(helper).not.toBeNull();
    expect(helper).not.toBe(process.pid);
    const parent = await sh('echo "$PPID"');
    expect(parent.stdout.toString().trim()).toBe(String(helper));
    const bytes = randomBytes(1 << 20);
    const echoed = await runCommand("cat", [], { input: bytes });
    expect(echoed.code).toBe(0);
    expect(Buffer.compare(echoed.stdout, bytes)).toBe(0);
  });

  it("a command that cannot start says why; an aborted one is killed", async () => {
    await startCommandHelper();
    const missing = await runCommand("/nonexistent/parley-no-such-command", []);
    expect(missing.code).toBeNull();
    expect(missing.spawnError).toMatch(/ENOENT/);
    const started = performance.now();
    const slept = await runCommand("sleep", ["30"], { signal: AbortSignal.timeout(200) });
    expect(slept.code).toBeNull();
    expect(slept.signal).toBe("SIGTERM");
    expect(performance.now() - started).toBeLessThan(20_000); // killed, not waited out
  });

  it("if the helper dies, the commands in flight fail and later ones run from this process", async () => {
    await startCommandHelper();
    const inFlight = sh("sleep 5"); // orphaned when the helper dies: short, so it ends by itself
    process.kill(commandHelperPid()!, "SIGKILL");
    await expect(inFlight).rejects.toThrow(/command helper process exited/);
    expect(commandHelperPid()).toBeNull();
    const after = await sh('echo "$PPID"');
    expect(after.stdout.toString().trim()).toBe(String(process.pid));
  });
});
