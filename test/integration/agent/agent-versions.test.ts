import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../helpers/app.js";
import { consoleClient, type ConsoleClient } from "../../helpers/console.js";

const json = { "content-type": "application/json" };
const SECRET = "Bearer v3rs10n-secret-0123456789";
const base = {
  name: "desk",
  systemPrompt: "You answer the front desk.",
  tools: [{ type: "http", name: "crm", description: "finds a customer", url: "https://crm.example.com/lookup" }],
};

interface VersionItem {
  version: number;
  savedBy: string | null;
  savedAt: number;
  restoredFrom: number | null;
  current: boolean;
}

/**
 * Issue 14, item 7: an API agent's version history. Every save keeps the definition as a version with who and
 * when (migration 025); a version can be read, diffed against the current one and restored; an invalid save names
 * the field and stores nothing; file agents have no history here (409, edit the file).
 */
describe("agent version history (/v1/agents/{name}/versions and the console editor)", () => {
  let t: TestApp;
  let ui: ConsoleClient;
  const versions = async () =>
    ((await (await t.request("/v1/agents/desk/versions")).json()) as { items: VersionItem[] }).items;

  beforeAll(async () => {
    t = await createTestApp();
    ui = await consoleClient(t.app, { key: t.key });
  }, 120_000);
  afterAll(() => t?.close());

  it("keeps every save as a version with who and when, and restores an old one as a new version", async () => {
    const auth = { header: "Authorization", value: SECRET };
    const created = await t.request("/v1/agents", {
      method: "POST",
      headers: json,
      body: JSON.stringify({ ...base, tools: [{ ...base.tools[0], auth }] }),
    });
    expect(created.status).toBe(201);
    const put = await t.request("/v1/agents/desk", {
      method: "PUT",
      headers: json,
      body: JSON.stringify({
        ...base,
        systemPrompt: "You answer the front desk, briefly.",
        tools: [{ ...base.tools[0], auth: { header: "Authorization", valueSet: true } }],
      }),
    });
    expect(put.status).toBe(200);

    const list = await versions();
    expect(list.map((v) => [v.version, v.current])).toEqual([
      [2, true],
      [1, false],
    ]);
    const keyId = (await t.services.sql.get<{ id: number | string }>("SELECT id FROM api_keys"))?.id;
    expect(list.every((v) => v.savedBy === `key ${keyId}` && v.savedAt > 0)).toBe(true);

    const v1 = await t.request("/v1/agents/desk/versions/1");
    const v1Text = await v1.text();
    expect(v1.status).toBe(200);
    expect(v1Text).not.toContain("v3rs10n"); // auth values are write-only in versions too
    expect((JSON.parse(v1Text) as { definition: { systemPrompt: string } }).definition.systemPrompt).toBe(
      "You answer the front desk.",
    );

    const diff = await (await t.request("/v1/agents/desk/versions/1/diff")).text();
    expect(diff).toContain("- systemPrompt: You answer the front desk.");
    expect(diff).toContain("+ systemPrompt: You answer the front desk, briefly.");
    expect(await (await t.request("/v1/agents/desk/versions/2/diff")).text()).toBe("");

    const restored = await t.request("/v1/agents/desk/versions/1/restore", { method: "POST" });
    expect(restored.status).toBe(200);
    expect(((await restored.json()) as { version: number }).version).toBe(3);
    expect(t.services.agents.get("desk").systemPrompt).toBe("You answer the front desk.");
    // The secret survived two rounds of write-only display.
    expect(t.services.agents.get("desk").tools[0]).toMatchObject({ auth: { value: SECRET } });
    const after = await versions();
    expect(after[0]).toMatchObject({ version: 3, current: true, restoredFrom: 1 });

    expect((await t.request("/v1/agents/desk/versions/9")).status).toBe(404);
    expect((await t.request("/v1/agents/desk/versions/x")).status).toBe(404);
    expect((await t.request("/v1/agents/nobody/versions")).status).toBe(404);
  });

  it("refuses an invalid save naming the field, and stores nothing", async () => {
    const before = await versions();
    const res = await t.request("/v1/agents/desk", {
      method: "PUT",
      headers: json,
      body: JSON.stringify({ ...base, live: { endpointSilenceMs: 5 } }),
    });
    expect(res.status).toBe(422);
    const body = (await res.json()) as { error: { details: { issues: { path: string }[] } } };
    expect(body.error.details.issues.map((i) => i.path)).toEqual(["live.endpointSilenceMs"]);
    expect(await versions()).toEqual(before);
  });

  it("gives file agents no history here: 409 saying to edit the file", async () => {
    const fileAgent = t.services.agents.list().find((e) => e.source === "file");
    expect(fileAgent, "the repo's agents/ folder has a file agent").toBeDefined();
    const res = await t.request(`/v1/agents/${fileAgent!.agent.name}/versions`);
    expect(res.status).toBe(409);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/edit the YAML/);
    const page = await ui.get(`/console/agents/${fileAgent!.agent.name}/edit`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("Parley does not change those files");
    expect(html).not.toContain('<textarea id="definition"');
  });

  it("console: a bad field is shown next to the editor with the text kept; a good save is a new version; restore works", async () => {
    const page = await ui.get("/console/agents/desk/edit");
    expect(page.status).toBe(200);
    const before = await versions();

    const bad = "name: desk\nsystemPrompt: Hi\nlive:\n  endpointSilenceMs: 5\n# keep me\n";
    const refused = await ui.post("/console/agents/desk/edit", { definition: bad });
    expect(refused.status).toBe(422);
    const html = await refused.text();
    expect(html).toMatch(
      /<li data-path="live.endpointSilenceMs"><code>live.endpointSilenceMs<\/code><span class="hint"> \(line 4\)<\/span>/,
    );
    expect(html).toContain("# keep me"); // the operator's text, as typed
    expect(await versions()).toEqual(before);

    const yamlError = await ui.post("/console/agents/desk/edit", { definition: "name: desk\n  bad: [\n" });
    expect(yamlError.status).toBe(422);
    expect(await yamlError.text()).toMatch(/Invalid YAML at line \d/);

    const renamed = await ui.post("/console/agents/desk/edit", { definition: "name: other\nsystemPrompt: Hi\n" });
    expect(renamed.status).toBe(422);
    expect(await renamed.text()).toContain("must stay &#39;desk&#39;");

    const good =
      "name: desk\nsystemPrompt: You answer the front desk, in French.\ntools:\n  - type: http\n    name: crm\n    description: finds a customer\n    url: https://crm.example.com/lookup\n    auth: { header: Authorization, valueSet: true }\n";
    const saved = await ui.post("/console/agents/desk/edit", { definition: good });
    expect(saved.status).toBe(303);
    const next = before[0]!.version + 1;
    expect(saved.headers.get("location")).toBe(`/console/agents/desk/edit?saved=${next}`);
    const list = await versions();
    const keyId = (await t.services.sql.get<{ id: number | string }>("SELECT id FROM api_keys"))?.id;
    expect(list[0]).toMatchObject({ version: next, savedBy: `key ${keyId}` });
    expect(t.services.agents.get("desk").tools[0]).toMatchObject({ auth: { value: SECRET } });

    const view = await ui.get("/console/agents/desk/versions/1");
    const viewHtml = await view.text();
    expect(viewHtml).toContain("+ systemPrompt: You answer the front desk, in French.");
    expect(viewHtml).not.toContain("v3rs10n");

    const restore = await ui.post("/console/agents/desk/versions/1/restore", {});
    expect(restore.status).toBe(303);
    expect(t.services.agents.get("desk").systemPrompt).toBe("You answer the front desk.");
    const edit = await (await ui.get(restore.headers.get("location")!)).text();
    expect(edit).toContain(`Saved as version ${next + 1}.`);
    expect(edit).toContain(`restored from v1`);
  });
});
