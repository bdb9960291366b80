import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CallsRepo } from "../../../src/store/repos/calls-repo.js";
import { createTestApp, type TestApp } from "../../helpers/app.js";
import { buildWav, encodeSamples } from "../../unit/audio/wav-builder.js";

/** Issue 10, item 24: the API answers the same kind of mistake the same way on every route. */
describe("API consistency", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t?.close());

  it("answers a bad cursor with 400 naming it, on every list route that takes one", async () => {
    // One of each resource a paged route hangs off, so no route answers 404 first.
    const post = (path: string, body: unknown) =>
      t.request(path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    expect(
      (await post("/v1/webhooks", { name: "hook", url: "https://hooks.example.com/in", events: ["*"] })).status,
    ).toBe(201);
    expect((await post("/v1/campaigns", { name: "c", text: "Hi." })).status).toBe(201);
    expect(
      (await post("/v1/agents", { name: "surveyor", systemPrompt: "You ask.", survey: { name: "checkout" } })).status,
    ).toBe(201);
    const doc = (await (await t.request("/v1/openapi.json")).json()) as {
      paths: Record<string, Record<string, { parameters?: { name: string; in: string }[] }>>;
    };
    const paged = Object.entries(doc.paths)
      .filter(([, ops]) => ops.get?.parameters?.some((p) => p.name === "cursor" && p.in === "query"))
      .map(([path]) => path);
    expect(paged.length).toBeGreaterThan(5);
    for (const path of paged) {
      for (const bad of ["!!not-a-cursor", "-1", "9".repeat(40)]) {
        const url = `${path.replace("{id}", "1").replace("{name}", "checkout")}?cursor=${encodeURIComponent(bad)}`;
        const res = await t.request(url);
        expect(res.status, `${url}: ${await res.clone().text()}`).toBe(400);
        expect(((await res.json()) as { error: { message: string } }).error.message, url).toMatch(/cursor/);
      }
    }
  });

  it("answers 404 for a survey no agent defines and nobody answered", async () => {
    for (const path of ["/v1/surveys/no-such-survey", "/v1/surveys/no-such-survey/responses"]) {
      const res = await t.request(path);
      expect(res.status, path).toBe(404);
      expect(((await res.json()) as { error: { code: string; message: string } }).error).toEqual({
        code: "not_found",
        message: "no survey named 'no-such-survey': no agent defines it and it has no responses",
      });
    }
  });

  it("refuses a WAV whose block align is 0 (400 audio_invalid), storing nothing", async () => {
    const res = await t.request("/v1/voicemails?mailbox=100", {
      method: "POST",
      headers: { "content-type": "audio/wav" },
      body: buildWav({
        formatTag: 1,
        channels: 1,
        sampleRate: 8000,
        bitsPerSample: 16,
        blockAlign: 0,
        data: encodeSamples(
          "pcm_s16",
          Float64Array.from({ length: 8000 }, (_, i) => 0.3 * Math.sin(i / 3)),
        ),
      }),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string; message: string } }).error).toMatchObject({
      code: "audio_invalid",
      message: expect.stringContaining("block align 0"),
    });
    expect(await t.services.sql.get("SELECT count(*) AS n FROM voicemails")).toEqual({ n: 0 });
  });
});

describe("agent definitions through the API (issue 10, item 24)", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t?.close());
  const send = (path: string, type: string, body: string) =>
    t.request(path, { method: "POST", headers: { "content-type": type }, body });

  it("validates and saves YAML as the files are written, and JSON as before", async () => {
    const yaml =
      "name: night-line\nsystemPrompt: |\n  You answer after hours.\ntools:\n  - { type: builtin, name: hangup }\n";
    const valid = (await (await send("/v1/agents/validate", "application/yaml", yaml)).json()) as {
      valid: boolean;
      agent: { name: string; tools: unknown[] };
    };
    expect(valid).toMatchObject({
      valid: true,
      agent: { name: "night-line", tools: [{ type: "builtin", name: "hangup" }] },
    });
    expect((await send("/v1/agents/validate", "text/yaml; charset=utf-8", yaml)).status).toBe(200);
    expect((await send("/v1/agents", "application/yaml", yaml)).status).toBe(201);
    expect(t.services.agents.get("night-line").systemPrompt).toBe("You answer after hours.\n");
    expect(
      (
        (await (
          await send("/v1/agents/validate", "application/json", JSON.stringify({ name: "j", systemPrompt: "x" }))
        ).json()) as { valid: boolean }
      ).valid,
    ).toBe(true);
  });

  it("answers broken YAML with 400 and another media type with 415, naming both accepted ones", async () => {
    const broken = await send("/v1/agents/validate", "application/yaml", "name: [unclosed\n");
    expect(broken.status).toBe(400);
    expect(((await broken.json()) as { error: { code: string } }).error.code).toBe("invalid_yaml");
    const other = await send("/v1/agents/validate", "text/plain", "name: x");
    expect(other.status).toBe(415);
    expect(((await other.json()) as { error: { message: string } }).error.message).toBe(
      "send the definition as JSON (Content-Type: application/json) or YAML (Content-Type: application/yaml)",
    );
  });

  it("names an unknown builtin tool and the valid ones, an unknown tool type, and a bad routing action", async () => {
    const issues = async (tools: unknown[], routing: unknown[] = []) =>
      (
        (await (
          await send(
            "/v1/agents/validate",
            "application/json",
            JSON.stringify({ name: "x", systemPrompt: "x", tools, voicemail: { routing } }),
          )
        ).json()) as { issues: { path: string; message: string }[] }
      ).issues;
    expect(
      await issues([
        { type: "builtin", name: "hangup" },
        { type: "builtin", name: "hang_up" },
      ]),
    ).toEqual([
      {
        path: "tools.1.name",
        message:
          "unknown builtin tool 'hang_up'; the builtin tools are transfer, hangup, take_message, schedule_callback, search_knowledge",
      },
    ]);
    expect(await issues([{ type: "webhook", name: "x" }])).toEqual([
      {
        path: "tools.0.type",
        message:
          'type must be "builtin" (transfer, hangup, take_message, schedule_callback, search_knowledge) or "http"',
      },
    ]);
    expect(await issues([], [{ name: "r", actions: [{ email: "ops@example.com" }] }])).toEqual([
      {
        path: "voicemail.routing.0.actions.0",
        message:
          "an action is one of {webhook: <endpoint name>}, {callback: {inMinutes: <0-10080>}} or {status: escalated | handled | archived}",
      },
    ]);
  });

  it("filters calls by snake_case outcome, still accepts the old hyphenated spelling, and names the known ones for a typo", async () => {
    const calls = new CallsRepo(t.services.sql);
    const call = await calls.start({
      sipCallId: "x-1",
      direction: "inbound",
      fromUri: "sip:a@b",
      toUri: "sip:c@d",
      remoteNumber: null,
      agent: "receptionist",
      startedAt: Date.now(),
    });
    await calls.end(call.id, { endedAt: Date.now(), outcome: "caller_hangup", recordingPath: null, rtpStats: null });
    for (const q of ["caller_hangup", "caller-hangup"]) {
      const body = (await (await t.request(`/v1/calls?outcome=${q}`)).json()) as {
        items: { id: number; outcome: string }[];
      };
      expect(body.items.map((c) => [c.id, c.outcome])).toEqual([[call.id, "caller_hangup"]]);
    }
    const typo = await t.request("/v1/calls?outcome=hung_up");
    expect(typo.status).toBe(400);
    expect(((await typo.json()) as { error: { message: string } }).error.message).toContain(
      "unknown outcome 'hung_up'; known: caller_hangup, agent_hangup",
    );
  });
});
