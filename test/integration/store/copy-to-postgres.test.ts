import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiKey, verifyApiKey } from "../../../src/api/auth/api-keys.js";
import { Operators } from "../../../src/api/console/auth/operators.js";
import { hashPassword } from "../../../src/api/console/auth/passwords.js";
import { loadConsoleSecret } from "../../../src/api/console/auth/secret.js";
import { storeCommand } from "../../../src/cli/commands/store.js";
import type { CliContext } from "../../../src/cli/types.js";
import { systemClock } from "../../../src/lib/clock.js";
import { openDatabase } from "../../../src/store/index.js";
import { AgentsRepo } from "../../../src/store/repos/agents-repo.js";
import { ApiKeysRepo } from "../../../src/store/repos/api-keys-repo.js";
import { ConsoleSessionsRepo } from "../../../src/store/repos/console-sessions-repo.js";
import { DncAuditRepo } from "../../../src/store/repos/dnc-audit-repo.js";
import { DncRepo } from "../../../src/store/repos/dnc-repo.js";
import { WebhooksRepo } from "../../../src/store/repos/webhooks-repo.js";
import { createPostgresSql, SqliteSql, type SqlStore } from "../../../src/store/sql/index.js";
import { postgresUnavailable, queryIn, scratchSchema, testPostgresUrl } from "../../helpers/postgres.js";

const skip = await postgresUnavailable();

/**
 * `parley store copy-to-postgres` from a real node's SQLite file (filled through the repositories, with an
 * operators.json left by an older Parley) into a scratch PostgreSQL schema.
 */
describe.skipIf(skip)(`parley store copy-to-postgres${skip ? ` (skipped: ${skip})` : ""}`, () => {
  const dir = mkdtempSync(join(tmpdir(), "parley-copy-"));
  const data = join(dir, "data");
  const schema = scratchSchema();
  const config = join(dir, "parley.yaml");
  let key = "";
  let pg: SqlStore;

  const run = async (...args: string[]) => {
    const stdout = new PassThrough();
    const ctx: CliContext = {
      stdout,
      stderr: new PassThrough(),
      env: {},
      cwd: dir,
      signal: new AbortController().signal,
    };
    const code = await storeCommand
      .run([...args, "--config", config, "--data-dir", data], ctx)
      .catch((err: Error & { exitCode?: number }) => ({ error: err.message, exitCode: err.exitCode }));
    return { code, out: String(stdout.read() ?? "") };
  };

  beforeAll(async () => {
    writeFileSync(config, `store:\n  url: ${testPostgresUrl}\n  schema: ${schema.schema}\n`);
    const db = openDatabase(join(data, "parley.db"));
    const sql = new SqliteSql(db);
    try {
      key = (await createApiKey(new ApiKeysRepo(sql), "ci", systemClock)).key;
      const agents = new AgentsRepo(sql);
      await agents.save("sales", { name: "sales", systemPrompt: "v1" }, 1000, { by: "operator ana" });
      await agents.save("sales", { name: "sales", systemPrompt: "v2" }, 2000, { by: "key ci" });
      await new Operators(sql, data).add("bo", "another passphrase", 3000);
      // An operator who signed out: that cookie must stay refused on the new store, which signs with the same secret.
      await new ConsoleSessionsRepo(sql).revoke("signed-out-sid", Date.now() + 3_600_000, Date.now());
      const hooks = new WebhooksRepo(sql);
      const hook = { url: "http://127.0.0.1:9/", secret: "whsec_x", events: ["*"], enabled: true, now: 3500 };
      await hooks.insert({ ...hook, name: "gone" });
      await hooks.insert({ ...hook, name: "crm", enabled: false });
      await hooks.remove(1); // so the copy must keep ids, not renumber
      const dnc = new DncRepo(sql);
      const audit = new DncAuditRepo(sql);
      for (let i = 0; i < 1203; i++) {
        const number = `+1212555${String(i).padStart(4, "0")}`;
        await dnc.add(number, "import", null, 4000 + i);
        await audit.add({
          number,
          action: "added",
          source: "import",
          actor: "operator bo",
          reason: null,
          notificationId: null,
          campaignId: null,
          createdAt: 4000 + i,
        });
      }
    } finally {
      db.close();
    }
    // An operator from before migration 026, still in the file; and the node's console secret.
    const legacy = [
      { name: "ana", passwordHash: await hashPassword("a long passphrase"), createdAt: "2026-01-01T00:00:00.000Z" },
    ];
    writeFileSync(join(data, "operators.json"), JSON.stringify({ version: 1, operators: legacy }));
    loadConsoleSecret(data);
    pg = createPostgresSql({ url: testPostgresUrl, schema: schema.schema, poolSize: 2 });
  }, 180_000);

  afterAll(async () => {
    await pg?.close();
    await schema.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("copies keys, agents with versions, operators, the do-not-call list and its audit, webhook endpoints, and the console secret", async () => {
    const r = await run("copy-to-postgres", "--json");
    expect(r.code, JSON.stringify(r)).toBe(0);
    const summary = JSON.parse(r.out) as { tables: Record<string, number>; secret: string; operatorsFile: unknown };
    expect(summary.tables).toEqual({
      api_keys: 1,
      agents: 1,
      agent_versions: 2,
      operators: 2,
      console_revocations: 1,
      dnc_numbers: 1203,
      dnc_audit: 1203,
      webhook_endpoints: 1,
      // Nothing of these on this node (copy-to-postgres-history.test.ts copies them).
      notify_templates: 0,
      campaigns: 0,
      campaign_rejected_rows: 0,
      notifications: 0,
      outbound_attempts: 0,
      callbacks: 0,
      audio_blobs: 0,
      voicemails: 0,
      calls: 0,
      call_turns: 0,
      events: 0,
      survey_responses: 0,
      knowledge_documents: 0,
      knowledge_chunks: 0,
      knowledge_vectors: 0,
      intake_folders: 0,
      intake_files: 0,
    });
    expect(summary.secret).toBe("copied");
    expect(summary.operatorsFile).toMatchObject({ imported: 1, total: 1 });
    expect(existsSync(join(data, "operators.json"))).toBe(false);
    // What a node on the store sees.
    expect(await verifyApiKey(new ApiKeysRepo(pg), key)).not.toBeNull();
    const agents = new AgentsRepo(pg);
    expect((await agents.versions("sales")).map((v) => [v.version, v.savedBy])).toEqual([
      [2, "key ci"],
      [1, "operator ana"],
    ]);
    expect((await agents.all())[0]?.definition).toEqual({ name: "sales", systemPrompt: "v2" });
    const ops = new Operators(pg, data);
    expect((await ops.authenticate("ana", "a long passphrase"))?.createdAt).toBe(
      Date.parse("2026-01-01T00:00:00.000Z"),
    );
    expect(await ops.authenticate("bo", "another passphrase")).not.toBeNull();
    expect(await new DncRepo(pg).count()).toBe(1203);
    expect(await new DncRepo(pg).get("+12125551202")).toMatchObject({ source: "import", createdAt: 5202 });
    expect((await new ConsoleSessionsRepo(pg).sharedSecret(1)).equals(loadConsoleSecret(data))).toBe(true);
    expect(await new ConsoleSessionsRepo(pg).isRevoked("signed-out-sid")).toBe(true);
    expect(await new ConsoleSessionsRepo(pg).isRevoked("another-sid")).toBe(false);
    const hooks = new WebhooksRepo(pg);
    expect(await hooks.list()).toEqual([
      expect.objectContaining({ id: 2, name: "crm", enabled: false, events: ["*"] }),
    ]);
    const next = await hooks.insert({
      name: "new",
      url: "http://127.0.0.1:9/",
      secret: "s",
      events: ["*"],
      enabled: true,
      now: 1,
    });
    expect(next.id).toBe(3);
    // The audit's ids came along, and the next one follows them.
    const audit = new DncAuditRepo(pg);
    const newest = await audit.list({ limit: 1 });
    await audit.add({
      number: "+1",
      action: "added",
      source: "api",
      actor: "key ci",
      reason: null,
      notificationId: null,
      campaignId: null,
      createdAt: 9,
    });
    expect((await audit.list({ limit: 1 }))[0]!.id).toBe(newest[0]!.id + 1);
  });

  it("refuses a store that already has rows, says which, and adds nothing", async () => {
    const again = await run("copy-to-postgres");
    expect(again.code).toMatchObject({
      exitCode: 1,
      error: expect.stringContaining("already has rows in api_keys (1)"),
    });
    // Nothing was added by the refused run.
    expect((await queryIn<{ n: string }>(schema.schema, "SELECT count(*) AS n FROM dnc_numbers"))[0]?.n).toBe("1203");
  });

  it("leaves the target empty when the copy fails midway, so that a rerun starts over", async () => {
    const other = scratchSchema();
    const otherConfig = join(dir, "other.yaml");
    writeFileSync(otherConfig, `store:\n  url: ${testPostgresUrl}\n  schema: ${other.schema}\n`);
    const target = createPostgresSql({ url: testPostgresUrl, schema: other.schema, poolSize: 2 });
    try {
      await target.open();
      // A constraint the node's rows break half way through the copy (after keys, agents and operators).
      await target.run("ALTER TABLE dnc_numbers ADD CONSTRAINT no_0600 CHECK (number <> '+12125550600')");
      const stdout = new PassThrough();
      const ctx: CliContext = {
        stdout,
        stderr: new PassThrough(),
        env: {},
        cwd: dir,
        signal: new AbortController().signal,
      };
      await expect(
        storeCommand.run(["copy-to-postgres", "--config", otherConfig, "--data-dir", data], ctx),
      ).rejects.toThrow(/no_0600/);
      for (const table of [
        "api_keys",
        "agents",
        "agent_versions",
        "operators",
        "console_revocations",
        "dnc_numbers",
        "dnc_audit",
        "webhook_endpoints",
        "console_secret",
      ])
        expect((await queryIn<{ n: string }>(other.schema, `SELECT count(*) AS n FROM ${table}`))[0]?.n, table).toBe(
          "0",
        );
      await target.run("ALTER TABLE dnc_numbers DROP CONSTRAINT no_0600");
      const rerun = await storeCommand.run(["copy-to-postgres", "--config", otherConfig, "--data-dir", data], ctx);
      expect(rerun).toBe(0);
      const out = String(stdout.read() ?? "");
      expect(out).toContain("dnc_numbers: 1000/1203");
      expect(out).toContain("dnc_numbers: 1203/1203");
      expect(out).toMatch(/copied 2414 rows/);
    } finally {
      await target.close();
      await other.drop();
    }
  });

  it("explains what is missing: no store.url, no database, an unknown subcommand", async () => {
    const bare = join(dir, "bare.yaml");
    writeFileSync(bare, "log:\n  level: silent\n");
    const ctx: CliContext = {
      stdout: new PassThrough(),
      stderr: new PassThrough(),
      env: {},
      cwd: dir,
      signal: new AbortController().signal,
    };
    await expect(storeCommand.run(["copy-to-postgres", "--config", bare, "--data-dir", data], ctx)).rejects.toThrow(
      /store.url is not set/,
    );
    await expect(
      storeCommand.run(["copy-to-postgres", "--config", config, "--data-dir", join(dir, "nowhere")], ctx),
    ).rejects.toThrow(/no database at/);
    await expect(storeCommand.run(["copy-everything", "--config", config], ctx)).rejects.toMatchObject({ exitCode: 2 });
    expect(readFileSync(config, "utf8")).toContain(schema.schema);
  });
});
