import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough, Readable } from "node:stream";
import { afterAll, describe, expect, it } from "vitest";
import { operatorsCommand } from "../../../src/cli/commands/operators.js";
import type { CliContext } from "../../../src/cli/types.js";
import { withNodeOperators } from "../../helpers/operators.js";

/** `parley operators add|list|remove` against a temp data dir, the password piped in as with --password-stdin. */
describe("parley operators", () => {
  const dir = mkdtempSync(join(tmpdir(), "parley-ops-cli-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const run = async (args: string[], stdinText = "") => {
    const stdin = Readable.from([stdinText]) as unknown as NodeJS.ReadStream;
    const stdout = new PassThrough();
    const ctx: CliContext = {
      stdout,
      stderr: new PassThrough(),
      env: {},
      cwd: dir,
      signal: new AbortController().signal,
    };
    const run = operatorsCommand({ stdin }).run([...args, "--data-dir", dir], ctx);
    const code = await run.catch((err: Error & { exitCode?: number }) => ({
      error: err.message,
      exitCode: err.exitCode,
    }));
    return { code, out: String(stdout.read() ?? "") };
  };

  it("adds an operator from stdin, lists it, and removes it", async () => {
    expect((await run(["add", "ana", "--password-stdin"], "a long passphrase\nignored second line\n")).code).toBe(0);
    expect(await withNodeOperators(dir, (ops) => ops.authenticate("ana", "a long passphrase"))).not.toBeNull();
    const listed = await run(["list", "--json"]);
    expect(JSON.parse(listed.out)).toEqual([{ name: "ana", createdAt: expect.any(String) }]);
    expect((await run(["remove", "ana"])).out).toContain("removed operator ana");
    expect(await withNodeOperators(dir, (ops) => ops.list())).toEqual([]);
  });

  it("explains what is wrong: short password, duplicate, no terminal, unknown name", async () => {
    expect((await run(["add", "bo", "--password-stdin"], "short\n")).code).toMatchObject({
      error: expect.stringContaining("at least 10"),
      exitCode: 2,
    });
    await run(["add", "bo", "--password-stdin"], "a long passphrase\n");
    expect((await run(["add", "bo", "--password-stdin"], "a long passphrase\n")).code).toMatchObject({
      error: expect.stringContaining("already exists"),
      exitCode: 1,
    });
    expect((await run(["add", "cy"])).code).toMatchObject({ error: expect.stringContaining("--password-stdin") });
    expect((await run(["remove", "nobody"])).code).toMatchObject({
      error: expect.stringContaining("no operator named 'nobody'"),
    });
    expect((await run(["frobnicate"])).code).toMatchObject({ exitCode: 2 });
  });
});
