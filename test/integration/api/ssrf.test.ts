import { lookup } from "node:dns/promises";
import { hostname } from "node:os";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { httpTool } from "../../../src/agent/tools/http-tool.js";
import type { ToolContext } from "../../../src/agent/tools/index.js";
import { OutboundPolicy } from "../../../src/lib/outbound/index.js";
import { createTestApp, type TestApp } from "../../helpers/app.js";
import { waitFor } from "../jobs/helpers.js";
import { startReceiver, type Receiver } from "./webhook-receiver.js";

const json = { "content-type": "application/json" };

/** A name that reaches the loopback address only through the resolver (not "localhost", which is refused by name): this machine's own. */
const loopbackName = await lookup(hostname(), { all: true })
  .then((as) =>
    as.length > 0 && as.every((a) => a.address.startsWith("127.") || a.address === "::1") ? hostname() : null,
  )
  .catch(() => null);
const noLoopbackName =
  loopbackName === null
    ? ` (skipped: this machine's host name '${hostname()}' does not resolve only to loopback addresses)`
    : "";

/**
 * Issue 10, item 17: webhooks and HTTP tools reach only http(s) URLs, and
 * never the server itself, link-local or metadata addresses, in any
 * spelling, at save time and again when connecting (after DNS), unless the
 * operator lists the host in webhooks.allowHosts / tools.allowHosts.
 */
describe("webhook URLs under the outbound policy", () => {
  let t: TestApp;
  let rx: Receiver;
  beforeEach(async () => {
    t = await createTestApp({ config: { webhooks: { maxAttempts: 3 } } });
    rx = await startReceiver();
  });
  afterEach(async () => {
    await t.close();
    await rx.close();
  });

  it("refuses loopback and metadata targets in every spelling when an endpoint is created or changed (400 naming the setting)", async () => {
    const port = new URL(rx.url("/")).port;
    for (const url of [
      rx.url("/x"),
      `http://2130706433:${port}/x`,
      `http://[::1]:${port}/x`,
      `http://[::ffff:127.0.0.1]:${port}/`,
      "http://169.254.169.254/latest/meta-data/",
      `http://localhost:${port}/`,
    ]) {
      const res = await t.request("/v1/webhooks", {
        method: "POST",
        headers: json,
        body: JSON.stringify({ name: "probe", url, events: ["*"] }),
      });
      expect(res.status, url).toBe(400);
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe("destination_refused");
      expect(body.error.message).toContain("webhooks.allowHosts");
    }
    const ok = await t.request("/v1/webhooks", {
      method: "POST",
      headers: json,
      body: JSON.stringify({ name: "public", url: "https://hooks.example.com/in", events: ["*"] }),
    });
    expect(ok.status).toBe(201);
    const { id } = (await ok.json()) as { id: number };
    const patched = await t.request(`/v1/webhooks/${id}`, {
      method: "PATCH",
      headers: json,
      body: JSON.stringify({ url: `http://0x7f.1:${port}/` }),
    });
    expect(patched.status).toBe(400);
    for (const url of ["file:///etc/passwd", "gopher://127.0.0.1:25/_HELO"]) {
      expect(
        (
          await t.request("/v1/webhooks", {
            method: "POST",
            headers: json,
            body: JSON.stringify({ name: "scheme", url, events: ["*"] }),
          })
        ).status,
      ).toBe(400);
    }
  });

  it.skipIf(loopbackName === null)(
    `checks again at delivery, after DNS: an endpoint whose name resolves to 127.0.0.1 is never contacted, and dies at once${noLoopbackName}`,
    async () => {
      // A name passes when it is saved (no DNS then); what it resolves to when connecting decides.
      const created = await t.request("/v1/webhooks", {
        method: "POST",
        headers: json,
        body: JSON.stringify({
          name: "rebound",
          url: `http://${loopbackName}:${new URL(rx.url("/")).port}/in`,
          events: ["*"],
        }),
      });
      expect(created.status).toBe(201);
      const endpoint = (await created.json()) as { id: number };
      t.startWorker();
      await t.services.bus.publish("voicemail.urgent", "voicemail:1", {
        voicemailId: 1,
        urgency: 5,
        summary: "x",
        callbackNumber: null,
        reason: "x",
      });
      const job = async () => (await t.services.queue.list({ kind: "webhook.deliver" })).jobs[0];
      await waitFor(async () => (await job())?.status === "dead", "the delivery dead-lettered");
      expect((await job())?.attempts).toBe(1);
      expect(rx.requests).toHaveLength(0);
      const log = (await (await t.request(`/v1/webhooks/${endpoint.id}/deliveries`)).json()) as {
        items: Array<{ statusCode: number | null; error: string }>;
      };
      expect(log.items).toHaveLength(1);
      expect(log.items[0]).toMatchObject({ statusCode: null });
      expect(log.items[0]?.error).toMatch(
        new RegExp(
          `^refused: .*${loopbackName} resolves to (127\\.[0-9.]+|::1) is a loopback address; list it in webhooks\\.allowHosts`,
        ),
      );
    },
  );
});

describe("listing a host in webhooks.allowHosts", () => {
  it("lets a receiver on 127.0.0.1 be created and delivered to", async () => {
    const t = await createTestApp({ config: { webhooks: { allowHosts: ["127.0.0.1"] } } });
    const rx = await startReceiver();
    try {
      const res = await t.request("/v1/webhooks", {
        method: "POST",
        headers: json,
        body: JSON.stringify({ name: "local", url: rx.url("/in"), events: ["*"] }),
      });
      expect(res.status).toBe(201);
      t.startWorker();
      await t.services.bus.publish("voicemail.urgent", "voicemail:1", {
        voicemailId: 1,
        urgency: 5,
        summary: "x",
        callbackNumber: null,
        reason: "x",
      });
      await waitFor(() => rx.to("/in").length === 1, "the delivery arrived");
    } finally {
      await t.close();
      await rx.close();
    }
  });
});

describe("HTTP tools under the outbound policy", () => {
  const tool = (url: string) => ({ type: "http", name: "lookup", description: "looks things up", url });
  const agent = (url: string) => JSON.stringify({ name: "tooly", systemPrompt: "You help.", tools: [tool(url)] });

  it("refuses file:, gopher: and loopback tool URLs when an agent is saved through the API (422 naming the tool)", async () => {
    const t = await createTestApp();
    try {
      for (const url of ["file:///etc/passwd", "gopher://example.com:70/x"]) {
        const res = await t.request("/v1/agents", { method: "POST", headers: json, body: agent(url) });
        expect(res.status, url).toBe(422);
        expect(((await res.json()) as { error: { message: string } }).error.message).toContain(
          "tools.0.url: must be an http:// or https:// URL",
        );
      }
      for (const url of ["http://127.0.0.1:9/x", "http://2130706433/", "http://[::1]/", "http://169.254.169.254/"]) {
        const res = await t.request("/v1/agents", { method: "POST", headers: json, body: agent(url) });
        expect(res.status, url).toBe(422);
        expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(
          /tools\.0\.url: .* list it in tools\.allowHosts/,
        );
      }
      expect((await t.request("/v1/agents/tooly")).status).toBe(404);
    } finally {
      await t.close();
    }
  });

  it("refuses at call time after DNS unless the host is listed; a listed one is called", async () => {
    const rx = await startReceiver();
    const t = await createTestApp({ config: { tools: { allowHosts: ["127.0.0.1"] } } });
    try {
      expect(
        (await t.request("/v1/agents", { method: "POST", headers: json, body: agent(rx.url("/ok")) })).status,
      ).toBe(201);
      const handler = (url: string) =>
        httpTool({
          ...tool(url),
          type: "http",
          method: "POST",
          parameters: { type: "object", properties: {} },
          timeoutMs: 2000,
        });
      const ctx = (outbound = t.services.outbound.tools): ToolContext => ({
        callId: "call-1",
        caller: null,
        agent: t.services.agents.get("tooly"),
        signal: new AbortController().signal,
        history: () => [],
        services: {
          timeZone: "UTC",
          now: () => new Date(),
          scheduleCallback: () => Promise.reject(new Error("not in this test")),
          outbound,
        },
      });
      const listed = await handler(rx.url("/ok")).run({ q: 1 }, ctx());
      expect(listed.result).toBe("status 200");
      expect(rx.to("/ok")).toHaveLength(1);
      // A server that lists nothing: refused before anything is sent (a loopback name by the resolver, when the machine has one).
      const port = new URL(rx.url("/")).port;
      const unlisted = new OutboundPolicy({ allowHosts: [], allowPrivateNetworks: true, setting: "tools.allowHosts" });
      const refused = await handler(`http://${loopbackName ?? "127.0.0.1"}:${port}/no`).run({ q: 1 }, ctx(unlisted));
      expect(refused.result).toEqual({
        error: "the service may not be called from here (refused by the server's tools.allowHosts policy)",
      });
      expect(rx.to("/no")).toHaveLength(0);
    } finally {
      await t.close();
      await rx.close();
    }
  });
});
