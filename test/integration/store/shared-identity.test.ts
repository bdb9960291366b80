import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAgentSync, type AgentSync } from "../../../src/app/agent-sync.js";
import { createTestApp, type TestApp } from "../../helpers/app.js";
import { postgresUnavailable, scratchSchema, testPostgresUrl } from "../../helpers/postgres.js";
import { waitFor } from "../jobs/helpers.js";

// Two nodes (each its own data dir and SQLite file) on one PostgreSQL store: what makes them act as one Parley.
const skip = await postgresUnavailable();

describe.skipIf(skip)(`keys and agents shared by two nodes${skip ? ` (skipped: ${skip})` : ""}`, () => {
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
});
