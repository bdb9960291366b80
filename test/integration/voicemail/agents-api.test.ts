import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { AgentRegistry } from "../../../src/agent/registry.js";
import { silentLogger } from "../../../src/lib/logger.js";
import { AgentsRepo } from "../../../src/store/repos/agents-repo.js";
import { createTestApp, type TestApp } from "../../helpers/app.js";
import { repoRoot } from "../../helpers/paths.js";
import { errorOf, storage, toneWav, uploadRaw, type VoicemailJson } from "./helpers.js";

interface AgentJson {
  name: string;
  source: "file" | "api";
  language: string;
  systemPrompt: string;
  live: { greeting: string };
  voicemail: { mailboxes: string[]; categories: string[]; routing: Array<{ name: string }> };
}

const SALES = {
  name: "sales",
  description: "Sales line",
  systemPrompt: "You answer questions about prices.",
  voicemail: {
    mailboxes: ["200"],
    categories: ["quote", "other"],
    routing: [
      { name: "big-deals", when: { categories: ["quote"], urgencyAtLeast: 3 }, actions: [{ webhook: "sales-team" }] },
    ],
  },
};

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(() => t.close());

const json = (method: string, path: string, body: unknown) =>
  t.request(path, { method, headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

describe("/v1/agents", () => {
  it("lists file agents as read-only `source: file` and gets one; 404 for an unknown name", async () => {
    const list = (await (await t.request("/v1/agents")).json()) as { items: AgentJson[] };
    expect(list.items).toEqual([expect.objectContaining({ name: "receptionist", source: "file", language: "en" })]);
    const one = (await (await t.request("/v1/agents/receptionist")).json()) as AgentJson;
    expect(one).toMatchObject({
      name: "receptionist",
      source: "file",
      voicemail: { mailboxes: ["100", "frontdesk"], routing: [{ name: "emergencies-to-on-call" }] },
    });
    const missing = await t.request("/v1/agents/nobody");
    expect(missing.status).toBe(404);
    expect(await errorOf(missing)).toEqual({ code: "not_found", message: "no agent named 'nobody'" });
  });

  it("creates, replaces and deletes an API agent, which survives a restart and claims its mailbox", async () => {
    const created = await json("POST", "/v1/agents", SALES);
    expect(created.status).toBe(201);
    const agent = (await created.json()) as AgentJson;
    // Defaults are filled in, so what is stored is what runs.
    expect(agent).toMatchObject({
      name: "sales",
      source: "api",
      language: "en",
      live: { greeting: "Hello, how can I help you?" },
      voicemail: { mailboxes: ["200"] },
    });

    const again = await json("POST", "/v1/agents", { ...SALES, description: "Sales, again" });
    expect(again.status).toBe(200);
    const replaced = await json("PUT", "/v1/agents/sales", { ...SALES, name: undefined, language: "de" });
    expect(replaced.status).toBe(200);
    expect(await replaced.json()).toMatchObject({ name: "sales", source: "api", language: "de" });
    const mismatch = await json("PUT", "/v1/agents/sales", { ...SALES, name: "marketing" });
    expect(mismatch.status).toBe(400);
    expect((await errorOf(mismatch)).message).toBe("the body's name 'marketing' does not match the path 'sales'");

    const names = ((await (await t.request("/v1/agents")).json()) as { items: AgentJson[] }).items.map((a) => [
      a.name,
      a.source,
    ]);
    expect(names).toEqual([
      ["receptionist", "file"],
      ["sales", "api"],
    ]);

    // Stored in the database: a registry built at the next start finds it.
    const reloaded = new AgentRegistry(
      join(repoRoot, "agents"),
      "receptionist",
      new AgentsRepo(t.services.sql),
      t.services.clock,
      silentLogger(),
    );
    await reloaded.reload();
    expect(reloaded.find("sales")).toMatchObject({ source: "api", agent: { language: "de" } });

    // Its mailbox routes uploads to it; an upload can also name it.
    const byMailbox = await uploadRaw(t, toneWav(1), { mailbox: "200" });
    expect(((await byMailbox.json()) as { voicemail: VoicemailJson }).voicemail).toMatchObject({
      agent: "sales",
      kind: "voicemail",
    });
    const byName = await uploadRaw(t, toneWav(2), { mailbox: "100", agent: "sales" });
    expect(((await byName.json()) as { voicemail: VoicemailJson }).voicemail).toMatchObject({
      agent: "sales",
      mailbox: "100",
    });

    expect((await t.request("/v1/agents/sales", { method: "DELETE" })).status).toBe(204);
    expect((await t.request("/v1/agents/sales")).status).toBe(404);
    const gone = await t.request("/v1/agents/sales", { method: "DELETE" });
    expect(gone.status).toBe(404);
    expect((await errorOf(gone)).code).toBe("agent_unknown");
  });

  it("refuses to create, replace or delete a file agent (409)", async () => {
    for (const res of [
      await json("POST", "/v1/agents", { ...SALES, name: "receptionist" }),
      await json("PUT", "/v1/agents/receptionist", { ...SALES, name: "receptionist" }),
      await t.request("/v1/agents/receptionist", { method: "DELETE" }),
    ]) {
      expect(res.status).toBe(409);
      expect(await errorOf(res)).toMatchObject({
        code: "agent_read_only",
        message: expect.stringMatching(/^agent 'receptionist' is defined in a file; (edit|remove) the YAML/),
      });
    }
  });

  it("rejects an invalid definition with 422 naming each field; /validate answers without saving", async () => {
    const bad = {
      name: "Bad Name",
      systemPrompt: "",
      live: { bargeInMinMs: 5 },
      voicemail: { routing: [{ name: "r", actions: [{ page: "x" }] }] },
      colour: "red",
    };
    const res = await json("POST", "/v1/agents", bad);
    expect(res.status).toBe(422);
    const body = (await res.json()) as {
      error: { code: string; message: string; details: { issues: Array<{ path: string; message: string }> } };
    };
    expect(body.error.code).toBe("agent_invalid");
    const paths = body.error.details.issues.map((i) => i.path);
    expect(paths).toEqual(
      expect.arrayContaining(["name", "systemPrompt", "live.bargeInMinMs", "voicemail.routing.0.actions.0", ""]),
    );
    expect(body.error.message).toMatch(/^agent: /);
    expect(body.error.message).toContain("colour");

    const valid = (await (await json("POST", "/v1/agents/validate", SALES)).json()) as {
      valid: boolean;
      agent: AgentJson;
    };
    expect(valid).toMatchObject({
      valid: true,
      agent: { name: "sales", language: "en", voicemail: { categories: ["quote", "other"] } },
    });
    const invalid = await json("POST", "/v1/agents/validate", {
      ...SALES,
      form: { mailboxes: ["9"], fields: [{ name: "size", type: "enum" }] },
    });
    expect(invalid.status).toBe(200);
    expect(await invalid.json()).toMatchObject({
      valid: false,
      issues: [{ path: "form.fields.0.values", message: "an enum field needs values" }],
    });
    expect((await t.request("/v1/agents/sales")).status).toBe(404); // validating saved nothing

    const notJson = await t.request("/v1/agents/validate", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{name:",
    });
    expect(notJson.status).toBe(400);
    expect((await errorOf(notJson)).code).toBe("invalid_json");
    const notJsonType = await t.request("/v1/agents", {
      method: "POST",
      headers: { "content-type": "text/plain" },
      body: "name: x",
    });
    expect(notJsonType.status).toBe(415);
  });

  it("answers 422 to an upload naming an unknown agent, and stores nothing", async () => {
    const before = await storage(t);
    const res = await uploadRaw(t, toneWav(3), { agent: "nobody" });
    expect(res.status).toBe(422);
    expect(await errorOf(res)).toEqual({ code: "agent_unknown", message: "no agent named 'nobody'" });
    expect(await storage(t)).toEqual(before);
  });
});
