import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough, Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAgentSync, type AgentSync } from "../../../src/app/agent-sync.js";
import { operatorsCommand } from "../../../src/cli/commands/operators.js";
import { createTestApp, type TestApp } from "../../helpers/app.js";
import { consoleClient } from "../../helpers/console.js";
import { postgresUnavailable, scratchSchema, testPostgresUrl } from "../../helpers/postgres.js";
import { waitFor } from "../jobs/helpers.js";

// Two nodes (each its own data dir and SQLite file) on one PostgreSQL store: what makes them act as one Parley.
const skip = await postgresUnavailable();

describe.skipIf(skip)(
  `keys, agents and console operators shared by two nodes${skip ? ` (skipped: ${skip})` : ""}`,
  () => {
    const nodes: TestApp[] = [];
    const syncs: AgentSync[] = [];
    const schema = scratchSchema();

    beforeAll(async () => {
      for (let i = 0; i < 2; i++) {
        const t = await createTestApp({
          config: { store: { url: testPostgresUrl, schema: schema.schema, poolSize: 2 } },
        });
        nodes.push(t);
        const sync = startAgentSync(t.services)!;
        syncs.push(sync);
        await sync.ready();
      }
    }, 180_000);

    afterAll(async () => {
      for (const s of syncs) await s.close();
      for (const t of nodes) await t.close();
      await schema.drop();
    });

    const as = (t: TestApp, key: string, path: string, init: RequestInit = {}) =>
      Promise.resolve(t.app.request(path, { ...init, headers: { authorization: `Bearer ${key}`, ...init.headers } }));

    it("a key made on one node opens the API of the other; revoked on one, it is refused by both", async () => {
      const [a, b] = [nodes[0]!, nodes[1]!];
      expect((await as(b, a.key, "/v1/agents")).status).toBe(200);
      const id = /^pk_([a-z0-9]{10})_/.exec(a.key)?.[1] ?? "";
      expect(await b.services.apiKeys.revoke(id, Date.now())).toBe(true);
      expect((await as(a, a.key, "/v1/agents")).status).toBe(401);
      expect((await as(b, a.key, "/v1/agents")).status).toBe(401);
      // Both nodes list the same keys.
      expect((await a.services.apiKeys.list()).map((k) => k.id)).toEqual(
        (await b.services.apiKeys.list()).map((k) => k.id),
      );
    });

    it("an agent saved through one node is served by the other; deleted there, it is gone from both", async () => {
      const [a, b] = [nodes[0]!, nodes[1]!];
      const created = await as(a, b.key, "/v1/agents", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ name: "sales", systemPrompt: "You sell.", language: "de" }),
      });
      expect(created.status).toBe(201);
      // The other node hears of it (NOTIFY) and reloads: lookups on calls there find it in memory.
      await waitFor(() => b.services.agents.find("sales"), "node b to load the agent saved on node a");
      const onB = await as(b, b.key, "/v1/agents/sales");
      expect(onB.status).toBe(200);
      expect(await onB.json()).toMatchObject({ name: "sales", language: "de", source: "api" });
      // Its history is one history, whichever node saved.
      const replaced = await as(b, b.key, "/v1/agents/sales", {
        method: "PUT",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ systemPrompt: "You sell more.", language: "de" }),
      });
      expect(replaced.status).toBe(200);
      await waitFor(
        () => a.services.agents.find("sales")?.agent.systemPrompt === "You sell more.",
        "node a to load the new definition",
      );
      const versions = (await (await as(a, b.key, "/v1/agents/sales/versions")).json()) as {
        items: { version: number }[];
      };
      expect(versions.items.map((v) => v.version)).toEqual([2, 1]);
      expect((await as(b, b.key, "/v1/agents/sales", { method: "DELETE" })).status).toBe(204);
      await waitFor(() => a.services.agents.find("sales") === null, "node a to drop the agent deleted on node b");
      expect((await as(a, b.key, "/v1/agents/sales")).status).toBe(404);
    });

    it("an operator added with `parley operators` on a third machine signs in on node a; the cookie works on node b, and a logout on b ends it on a", async () => {
      const [a, b] = [nodes[0]!, nodes[1]!];
      // The CLI on its own data dir, with only the config's store.url in common with the nodes.
      const cliDir = mkdtempSync(join(tmpdir(), "parley-ops-cli-"));
      try {
        const config = join(cliDir, "parley.yaml");
        writeFileSync(config, `store:\n  url: ${testPostgresUrl}\n  schema: ${schema.schema}\n`);
        const stdout = new PassThrough();
        const stdin = Readable.from(["a long passphrase\n"]) as unknown as NodeJS.ReadStream;
        const ctx = { stdout, stderr: new PassThrough(), env: {}, cwd: cliDir, signal: new AbortController().signal };
        const args = ["add", "ana", "--password-stdin", "--config", config, "--data-dir", join(cliDir, "data")];
        expect(await operatorsCommand({ stdin }).run(args, ctx)).toBe(0);
      } finally {
        rmSync(cliDir, { recursive: true, force: true });
      }
      const onA = await consoleClient(a.app, { name: "ana", password: "a long passphrase" });
      const onB = (path: string, init: RequestInit = {}) =>
        Promise.resolve(b.app.request(path, { ...init, headers: { cookie: onA.cookie, ...init.headers } }));
      expect((await onA.get("/console/inbox")).status).toBe(200);
      expect((await onB("/console/inbox")).status).toBe(200);
      // Logged out on b (with the CSRF token a's page gave: one secret, so b accepts it)...
      const out = await onB("/console/logout", {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ _csrf: onA.csrf }),
      });
      expect(out.status).toBe(303);
      expect(out.headers.get("location")).toBe("/console/login");
      // ...the same cookie is refused by both.
      expect((await onA.get("/console/inbox")).status).toBe(303);
      expect((await onB("/console/inbox")).status).toBe(303);
    });

    it("a number listed on node a is refused by node b's dial; removed on b, a no longer lists it; one audit trail", async () => {
      const [a, b] = [nodes[0]!, nodes[1]!];
      const json = { "content-type": "application/json" };
      // b's key: a's was revoked above (keys are shared, so it opens both nodes).
      const added = await as(a, b.key, "/v1/dnc", {
        method: "POST",
        headers: json,
        body: JSON.stringify({ number: "+1 212 555 0142", reason: "asked on the phone" }),
      });
      expect(added.status).toBe(201);
      const checkOn = async (t: TestApp) =>
        ((await (await as(t, b.key, "/v1/dnc/check?number=%2B12125550142")).json()) as { listed: boolean }).listed;
      expect(await checkOn(b)).toBe(true);
      // What the call manager asks before every INVITE, on the other node.
      await expect(b.features.notify.dialGuard("sip:+12125550142@pbx.example")).rejects.toMatchObject({
        code: "rejected_dnc",
      });
      const removed = await as(b, b.key, "/v1/dnc/%2B12125550142?reason=wrong%20number", { method: "DELETE" });
      expect(removed.status).toBe(204);
      expect(await checkOn(a)).toBe(false);
      await b.features.notify.dialGuard("sip:+12125550142@pbx.example");
      const trail = (await (await as(a, b.key, "/v1/dnc/audit?number=%2B12125550142")).json()) as {
        items: { action: string; reason: string | null }[];
      };
      expect(trail.items.map((i) => [i.action, i.reason])).toEqual([
        ["removed", "wrong number"],
        ["added", "asked on the phone"],
      ]);
    });
  },
);
