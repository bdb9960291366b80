import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { PassThrough } from "node:stream";
import { credentialStamp, Operators } from "../../../src/api/console/auth/operators.js";
import { consoleDeps } from "../../../src/api/console/context.js";
import { validate } from "../../../src/config/index.js";
import { systemClock } from "../../../src/lib/clock.js";
import { createLogger } from "../../../src/lib/logger.js";
import { ApiKeysRepo } from "../../../src/store/repos/api-keys-repo.js";
import { hashPassword } from "../../../src/api/console/auth/passwords.js";
import { ConsoleSessionsRepo } from "../../../src/store/repos/console-sessions-repo.js";
import { storeEngines, type OpenedStore } from "../../helpers/sql-stores.js";

const opened: OpenedStore[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const s of opened.splice(0)) await s.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function dataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "parley-ops-"));
  dirs.push(dir);
  return dir;
}

describe.each(await storeEngines())("console operators and sessions on $label", ({ engine, skip, open }) => {
  async function store(): Promise<OpenedStore> {
    const s = await open();
    opened.push(s);
    return s;
  }

  it.skipIf(skip)("adds, authenticates, lists and removes operators; never stores a password", async () => {
    const s = await store();
    const ops = new Operators(s.sql, dataDir());
    expect(await ops.list()).toEqual([]);
    await ops.add("bo.b@site", "another passphrase", 2000);
    await ops.add("ana", "a long passphrase", 1000);
    expect((await ops.list()).map((o) => [o.name, o.createdAt])).toEqual([
      ["ana", 1000],
      ["bo.b@site", 2000],
    ]);
    const stored = await s.sql.all<{ password_hash: string }>("SELECT password_hash FROM operators");
    expect(stored.every((r) => r.password_hash.startsWith("scrypt") && !r.password_hash.includes("passphrase"))).toBe(
      true,
    );
    expect((await ops.authenticate("ana", "a long passphrase"))?.name).toBe("ana");
    expect(await ops.authenticate("ana", "a long passphrasE")).toBeNull();
    expect(await ops.authenticate("nobody", "a long passphrase")).toBeNull();
    expect(await ops.remove("ana")).toBe(true);
    expect(await ops.remove("ana")).toBe(false);
    expect((await ops.list()).map((o) => o.name)).toEqual(["bo.b@site"]);
  });

  it.skipIf(skip)("refuses bad names, short passwords and duplicates, and keeps the first account", async () => {
    const ops = new Operators((await store()).sql, dataDir());
    await expect(ops.add("../etc", "a long passphrase", 1)).rejects.toThrow(/not a valid operator name/);
    await expect(ops.add("ana", "short", 1)).rejects.toThrow(/at least 10/);
    const first = await ops.add("ana", "a long passphrase", 1);
    await expect(ops.add("ana", "another passphrase", 2)).rejects.toMatchObject({
      code: "operator_exists",
      status: 409,
    });
    expect((await ops.find("ana"))?.passwordHash).toBe(first.passwordHash);
  });

  it.skipIf(skip)("gives a new credential stamp when a password is set again (old sessions end)", async () => {
    const ops = new Operators((await store()).sql, dataDir());
    const first = credentialStamp(await ops.add("ana", "a long passphrase", 1));
    await ops.remove("ana");
    expect(credentialStamp(await ops.add("ana", "a long passphrase", 2))).not.toBe(first);
  });

  it.skipIf(skip)("keeps logouts until the cookie would have expired, then forgets them", async () => {
    const sessions = new ConsoleSessionsRepo((await store()).sql);
    expect(await sessions.isRevoked("s1")).toBe(false);
    await sessions.revoke("s1", 1000, 10);
    await sessions.revoke("s1", 1000, 20); // a second logout of the same cookie is no error
    expect(await sessions.isRevoked("s1")).toBe(true);
    expect(await sessions.isRevoked("s2")).toBe(false);
    // The next logout after s1's expiry drops it: nobody can present that cookie anymore.
    await sessions.revoke("s2", 5000, 1000);
    expect(await sessions.isRevoked("s1")).toBe(false);
    expect(await sessions.isRevoked("s2")).toBe(true);
  });

  it.skipIf(skip || engine !== "postgres")(
    "makes one signing secret for every node, whoever asks first (PostgreSQL)",
    async () => {
      const sessions = new ConsoleSessionsRepo((await store()).sql);
      const [a, b] = await Promise.all([
        sessions.sharedSecret(1, Buffer.alloc(32, 1)),
        sessions.sharedSecret(1, Buffer.alloc(32, 2)),
      ]);
      expect(a.equals(b)).toBe(true);
      expect(a.length).toBe(32);
      expect((await sessions.sharedSecret(2)).equals(a)).toBe(true);
    },
  );

  it.skipIf(skip)("warns when a node on PostgreSQL still has an operators.json nobody reads", async () => {
    const s = await store();
    const dir = dataDir();
    writeFileSync(join(dir, "operators.json"), JSON.stringify({ version: 1, operators: [] }));
    const logs = new PassThrough();
    const deps = consoleDeps({
      apiKeys: new ApiKeysRepo(s.sql),
      clock: systemClock,
      config: validate({ dataDir: dir }),
      logger: createLogger({ level: "warn" }, logs),
      sql: s.sql,
    });
    await deps.operators.list();
    const said = String(logs.read() ?? "");
    if (engine === "postgres") expect(said).toContain("operators.json is not read with store.url");
    else expect(said).toBe(""); // SQLite imports it instead
  });

  it.skipIf(skip || engine !== "sqlite")("has no shared secret on SQLite (the node keeps its file)", async () => {
    await expect(new ConsoleSessionsRepo((await store()).sql).sharedSecret(1)).rejects.toThrow(/only on PostgreSQL/);
  });

  it.skipIf(skip || engine !== "sqlite")(
    "imports an older install's operators.json once, keeps it as a backup, and signs its operators in",
    async () => {
      const s = await store();
      const dir = dataDir();
      const file = join(dir, "operators.json");
      const legacy = {
        version: 1,
        operators: [
          { name: "ana", passwordHash: await hashPassword("a long passphrase"), createdAt: "2026-01-02T03:04:05.000Z" },
          { name: "bo", passwordHash: await hashPassword("another passphrase"), createdAt: "2026-02-01T00:00:00.000Z" },
        ],
      };
      writeFileSync(file, JSON.stringify(legacy), { mode: 0o600 });
      writeFileSync(`${file}.imported`, "an older backup"); // never overwritten
      const ops = new Operators(s.sql, dir);
      expect((await ops.list()).map((o) => [o.name, o.createdAt])).toEqual([
        ["ana", Date.parse("2026-01-02T03:04:05.000Z")],
        ["bo", Date.parse("2026-02-01T00:00:00.000Z")],
      ]);
      expect((await ops.authenticate("ana", "a long passphrase"))?.name).toBe("ana");
      expect(existsSync(file)).toBe(false);
      expect(JSON.parse(readFileSync(`${file}.imported-2`, "utf8"))).toEqual(legacy);
      expect(readFileSync(`${file}.imported`, "utf8")).toBe("an older backup");
      // A removal sticks: a second process (a new Operators) finds no file to import again.
      await ops.remove("bo");
      expect((await new Operators(s.sql, dir).list()).map((o) => o.name)).toEqual(["ana"]);
    },
  );

  it.skipIf(skip || engine !== "sqlite")(
    "refuses an invalid operators.json with its name, leaves it where it is, and imports it once fixed",
    async () => {
      const s = await store();
      const dir = dataDir();
      const file = join(dir, "operators.json");
      writeFileSync(file, '{"version": 1, "operators": [{"name": "ana"}]}');
      const ops = new Operators(s.sql, dir);
      await expect(ops.list()).rejects.toThrow(new RegExp(`${file} is not a valid operators file`));
      await expect(ops.add("bo", "a long passphrase", 1)).rejects.toThrow(/not a valid operators file/);
      expect(readFileSync(file, "utf8")).toContain('"ana"');
      expect(await s.sql.all("SELECT * FROM operators")).toEqual([]);
      // Fixed, it is imported on the next request, without a new Operators (no restart).
      const hash = await hashPassword("a long passphrase");
      writeFileSync(
        file,
        JSON.stringify({ version: 1, operators: [{ name: "ana", passwordHash: hash, createdAt: "x" }] }),
      );
      expect((await ops.list()).map((o) => o.name)).toEqual(["ana"]);
    },
  );
});
