import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadAgentFile } from "../../../src/agent/load.js";
import { createTestApp, type TestApp } from "../../helpers/app.js";
import { consoleClient } from "../../helpers/console.js";
import { scratchDir } from "../../helpers/scratch.js";

const json = { "content-type": "application/json" };
const SECRET = "Bearer s3cr3t-token-0123456789";
const agent = (auth: Record<string, unknown>) => ({
  name: "crm-agent",
  systemPrompt: "You look customers up.",
  tools: [{ type: "http", name: "crm", description: "finds a customer", url: "https://crm.example.com/lookup", auth }],
});

/**
 * Issue 10, item 18: HTTP-tool auth values are write-only. No read of an
 * agent (list, one, the answers to create, replace and validate, the
 * console) carries the secret; a definition sent back as it was shown keeps it.
 */
describe("HTTP tool secrets through /v1/agents", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t?.close());

  it("never answers with the secret, and keeps it when the shown form is sent back", async () => {
    const created = await t.request("/v1/agents", {
      method: "POST",
      headers: json,
      body: JSON.stringify(agent({ header: "Authorization", value: SECRET })),
    });
    expect(created.status).toBe(201);
    const reads = [
      await created.text(),
      await (await t.request("/v1/agents")).text(),
      await (await t.request("/v1/agents/crm-agent")).text(),
      await (
        await t.request("/v1/agents/validate", {
          method: "POST",
          headers: json,
          body: JSON.stringify(agent({ header: "Authorization", value: SECRET })),
        })
      ).text(),
    ];
    for (const text of reads) expect(text).not.toContain("s3cr3t");
    const shown = (await (await t.request("/v1/agents/crm-agent")).json()) as {
      tools: Array<{ auth: unknown }>;
      source: string;
    };
    expect(shown.tools[0]?.auth).toEqual({ header: "Authorization", valueSet: true });

    // Read, change something else, write back: the secret is still the one stored.
    const { source: _source, ...edited } = { ...shown, description: "CRM desk" };
    const put = await t.request("/v1/agents/crm-agent", { method: "PUT", headers: json, body: JSON.stringify(edited) });
    expect(put.status).toBe(200);
    expect(await put.text()).not.toContain("s3cr3t");
    const stored = t.services.agents.get("crm-agent");
    expect(stored.description).toBe("CRM desk");
    expect(stored.tools[0]).toMatchObject({ auth: { header: "Authorization", value: SECRET } });
    const row = await t.services.sql.get<{ definition: string }>(
      "SELECT definition FROM agents WHERE name = 'crm-agent'",
    );
    expect(row?.definition).toContain(SECRET);

    // A new value replaces it; a new tool without one is refused, naming the field.
    await t.request("/v1/agents/crm-agent", {
      method: "PUT",
      headers: json,
      body: JSON.stringify(agent({ header: "Authorization", value: "Bearer rotated-0123456789" })),
    });
    expect(t.services.agents.get("crm-agent").tools[0]).toMatchObject({ auth: { value: "Bearer rotated-0123456789" } });
    const fresh = await t.request("/v1/agents", {
      method: "POST",
      headers: json,
      body: JSON.stringify({ ...agent({ header: "Authorization", valueSet: true }), name: "other-agent" }),
    });
    expect(fresh.status).toBe(422);
    expect(((await fresh.json()) as { error: { message: string } }).error.message).toContain(
      "tools.0.auth.value: required",
    );
    // Another header name is another credential: the old value does not follow it.
    const renamed = await t.request("/v1/agents/crm-agent", {
      method: "PUT",
      headers: json,
      body: JSON.stringify(agent({ header: "X-Api-Key" })),
    });
    expect(renamed.status).toBe(422);
  });

  it("shows the console the same redacted form", async () => {
    const c = await consoleClient(t.app, { key: t.key });
    const page = await (await c.get("/console/agents/crm-agent")).text();
    expect(page).toContain("valueSet: true");
    expect(page).not.toContain("rotated-0123456789");
  });

  it("requires the value in an agent file", () => {
    const dir = scratchDir("parley-agent-file");
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, "crm-agent.yaml"),
      "name: crm-agent\nsystemPrompt: hi\ntools:\n  - { type: http, name: crm, description: d, url: 'https://crm.example.com/', auth: { header: Authorization } }\n",
    );
    expect(() => loadAgentFile(join(dir, "crm-agent.yaml"))).toThrow(/tools\.0\.auth\.value: required/);
  });
});
