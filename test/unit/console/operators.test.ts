import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { credentialStamp, OperatorStore } from "../../../src/api/console/auth/operators.js";
import { loadConsoleSecret } from "../../../src/api/console/auth/secret.js";

describe("operator accounts file", () => {
  const dirs: string[] = [];
  const store = () => {
    const dir = mkdtempSync(join(tmpdir(), "parley-ops-"));
    dirs.push(dir);
    return OperatorStore.forDataDir(dir);
  };
  afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

  it("adds, authenticates, lists and removes; the file is 0600 and never holds a password", async () => {
    const s = store();
    expect(s.list()).toEqual([]);
    await s.add("ana", "a long passphrase", new Date("2026-01-01T00:00:00Z"));
    await s.add("bo.b@site", "another passphrase", new Date("2026-01-02T00:00:00Z"));
    expect(s.list().map((o) => o.name)).toEqual(["ana", "bo.b@site"]);
    expect(statSync(s.file).mode & 0o777).toBe(0o600);
    expect(readFileSync(s.file, "utf8")).not.toContain("a long passphrase");
    expect((await s.authenticate("ana", "a long passphrase"))?.name).toBe("ana");
    expect(await s.authenticate("ana", "a long passphrasE")).toBeNull();
    expect(await s.authenticate("nobody", "a long passphrase")).toBeNull();
    expect(s.remove("ana")).toBe(true);
    expect(s.remove("ana")).toBe(false);
    expect(s.list().map((o) => o.name)).toEqual(["bo.b@site"]);
    // Written by rename: no temp files left beside it.
    expect(readdirSync(join(s.file, "..")).filter((f) => f.includes(".tmp"))).toEqual([]);
  });

  it("refuses bad names, short passwords and duplicates", async () => {
    const s = store();
    await expect(s.add("../etc", "a long passphrase", new Date())).rejects.toThrow(/not a valid operator name/);
    await expect(s.add("ana", "short", new Date())).rejects.toThrow(/at least 10/);
    await s.add("ana", "a long passphrase", new Date());
    await expect(s.add("ana", "a long passphrase", new Date())).rejects.toThrow(/already exists/);
  });

  it("gives a new credential stamp when a password is set again (old sessions end)", async () => {
    const s = store();
    const first = credentialStamp(await s.add("ana", "a long passphrase", new Date()));
    s.remove("ana");
    const second = credentialStamp(await s.add("ana", "a long passphrase", new Date()));
    expect(second).not.toBe(first);
  });

  it("sees a change another process made to the file", async () => {
    const a = store();
    const b = new OperatorStore(a.file);
    await a.add("ana", "a long passphrase", new Date());
    expect(b.find("ana")).not.toBeNull();
    a.remove("ana");
    expect(b.find("ana")).toBeNull();
  });
});

describe("console secret", () => {
  it("is made once with mode 0600 and read back the same", () => {
    const dir = mkdtempSync(join(tmpdir(), "parley-secret-"));
    try {
      const a = loadConsoleSecret(dir);
      expect(a.length).toBe(32);
      expect(statSync(join(dir, "console-secret")).mode & 0o777).toBe(0o600);
      expect(loadConsoleSecret(dir).equals(a)).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
