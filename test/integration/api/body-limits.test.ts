import { connect } from "node:net";
import { serve, type ServerType } from "@hono/node-server";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AGENT_LIMITS } from "../../../src/agent/definition.js";
import { createTestApp, type TestApp } from "../../helpers/app.js";

const JSON_LIMIT = 64 * 1024;
const UPLOAD_LIMIT = 256 * 1024;
const json = { "content-type": "application/json" };

/** An agent that is valid but for the fields a test makes too big. */
const agent = (over: Record<string, unknown> = {}) => ({ name: "big", systemPrompt: "You help.", ...over });

/**
 * Issue 10, item 15: every write route has a body limit (small for JSON,
 * larger for uploads) and every field of an agent definition a size limit,
 * refused with 413 / 422 naming the limit, before anything is stored.
 */
describe("request and field size limits", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ config: { api: { maxJsonBytes: JSON_LIMIT, maxBodyBytes: UPLOAD_LIMIT } } });
  });
  afterAll(() => t?.close());

  it("refuses a body over api.maxJsonBytes on every JSON write route of the OpenAPI document (413, naming the limit)", async () => {
    const doc = (await (await t.request("/v1/openapi.json")).json()) as {
      paths: Record<string, Record<string, unknown>>;
    };
    const uploads = new Set([
      "post /v1/voicemails",
      "post /v1/campaigns/{id}/recipients",
      "post /v1/dnc/import",
      "post /v1/agents/{name}/knowledge",
      "put /v1/agents/{name}/knowledge/{document}",
    ]);
    const writes = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops)
        .filter((m) => ["post", "put", "patch"].includes(m))
        .map((m) => ({ m, path })),
    );
    expect(writes.length).toBeGreaterThan(20);
    const big = JSON.stringify({ name: "x", padding: "p".repeat(JSON_LIMIT) });
    let checked = 0;
    for (const { m, path } of writes) {
      if (uploads.has(`${m} ${path}`)) continue;
      const url = path.replace(/\{[^}]+\}/g, "1");
      const res = await t.request(url, { method: m.toUpperCase(), headers: json, body: big });
      expect(res.status, `${m} ${path}`).toBe(413);
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe("payload_too_large");
      expect(body.error.message).toContain(`${JSON_LIMIT} bytes`);
      expect(body.error.message).toContain("api.maxJsonBytes");
      checked++;
    }
    expect(checked).toBeGreaterThan(20);
  });

  it("lets upload routes take more than the JSON limit, up to api.maxBodyBytes", async () => {
    const csv = `number\n${Array.from({ length: 8000 }, (_, i) => `+1555${String(1000000 + i)}`).join("\n")}\n`;
    expect(csv.length).toBeGreaterThan(JSON_LIMIT);
    const ok = await t.request("/v1/dnc/import", {
      method: "POST",
      headers: { "content-type": "text/csv" },
      body: csv,
    });
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { added: number }).added).toBe(8000);
    const over = await t.request("/v1/dnc/import", {
      method: "POST",
      headers: { "content-type": "text/csv" },
      body: csv.repeat(3),
    });
    expect(over.status).toBe(413);
    expect(((await over.json()) as { error: { message: string } }).error.message).toContain("api.maxBodyBytes");
  });

  it("refuses oversized agent fields with 422 naming the field, and stores nothing", async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ systemPrompt: "s".repeat(AGENT_LIMITS.systemPrompt + 1) }, "systemPrompt"],
      [{ description: "d".repeat(AGENT_LIMITS.line + 1) }, "description"],
      [{ live: { greeting: "g".repeat(AGENT_LIMITS.line + 1) } }, "live.greeting"],
      [{ voicemail: { instructions: "i".repeat(AGENT_LIMITS.prose + 1) } }, "voicemail.instructions"],
      [
        { voicemail: { mailboxes: Array.from({ length: AGENT_LIMITS.listItems + 1 }, (_, i) => `m${i}`) } },
        "voicemail.mailboxes",
      ],
      [
        {
          tools: Array.from({ length: AGENT_LIMITS.tools + 1 }, (_, i) => ({
            type: "http",
            name: `t${i}`,
            description: "d",
            url: "https://example.com/x",
          })),
        },
        "tools",
      ],
      [
        {
          tools: [
            {
              type: "http",
              name: "t",
              description: "d",
              url: "https://example.com/x",
              parameters: { type: "object", description: "x".repeat(AGENT_LIMITS.schemaChars) },
            },
          ],
        },
        "tools.0.parameters",
      ],
    ];
    for (const [over, field] of cases) {
      const res = await t.request("/v1/agents", { method: "POST", headers: json, body: JSON.stringify(agent(over)) });
      expect(res.status, field).toBe(422);
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe("agent_invalid");
      expect(body.error.message).toContain(`${field}:`);
    }
    expect((await t.request("/v1/agents/big")).status).toBe(404);
    expect(await t.services.sql.get("select count(*) as n from agents")).toEqual({ n: 0 });
  });

  it("bounds the variables of a notification and the lists of a calling window (400 naming the field)", async () => {
    const variables = Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`v${i}`, "x"]));
    const res = await t.request("/v1/notifications", {
      method: "POST",
      headers: json,
      body: JSON.stringify({ to: "+12125550100", text: "Hi", variables }),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toContain("variables");
    const holidays = Array.from({ length: 400 }, () => "2026-12-25");
    const w = await t.request("/v1/notifications", {
      method: "POST",
      headers: json,
      body: JSON.stringify({ to: "+12125550100", text: "Hi", window: { holidays } }),
    });
    expect(w.status).toBe(400);
    expect(((await w.json()) as { error: { message: string } }).error.message).toContain("window.holidays");
  });
});

/**
 * The same limit on a real socket: a declared Content-Length of 55 MB is
 * answered 413 from the headers alone, before the client has sent the body,
 * so the server reads, parses and stores none of it.
 */
describe("a 55 MB agent definition on a real socket", () => {
  let t: TestApp;
  let server: ServerType;
  let port: number;
  beforeAll(async () => {
    t = await createTestApp();
    server = serve({ fetch: t.app.fetch, hostname: "127.0.0.1", port: 0 });
    await new Promise<void>((r) => server.once("listening", () => r()));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise((r) => server?.close(r));
    await t?.close();
  });

  it("is refused from its headers, before the body is sent", async () => {
    const declared = 55 * 1024 * 1024;
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(port, "127.0.0.1");
      let text = "";
      socket.setTimeout(20_000, () => socket.destroy(new Error("no answer before the body was sent")));
      socket.on("data", (d: Buffer) => {
        text += d.toString();
        if (/\r\n\r\n[\s\S]*\}/.test(text)) {
          socket.destroy();
          resolve(text);
        }
      });
      socket.on("error", reject);
      // Headers and the first bytes of the body only: the rest would never come.
      socket.write(
        `POST /v1/agents HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${t.key}\r\nContent-Type: application/json\r\nContent-Length: ${declared}\r\n\r\n{"name":"huge","systemPrompt":"`,
      );
    });
    expect(answer).toMatch(/^HTTP\/1\.1 413/);
    expect(answer).toContain("payload_too_large");
    expect((await t.request("/v1/agents/huge")).status).toBe(404);
  });

  it("does not read a body for a caller without a key (401 first)", async () => {
    const res = await fetch(`http://127.0.0.1:${port}/v1/agents`, {
      method: "POST",
      headers: json,
      body: JSON.stringify(agent({ systemPrompt: "s".repeat(2 * 1024 * 1024) })),
    });
    expect(res.status).toBe(401);
  });
});
