import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../helpers/app.js";

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp({ registerTasks: false, config: { webhooks: { allowHosts: ["127.0.0.1"] } } });
});
afterEach(() => t.close());

const json = (body: unknown, method = "POST"): RequestInit => ({
  method,
  headers: { "content-type": "application/json" },
  body: JSON.stringify(body),
});
const errorOf = async (res: Response) => ((await res.json()) as { error: { code: string; message: string } }).error;

describe("/v1/webhooks endpoints", () => {
  it("needs a valid API key", async () => {
    expect((await t.app.request("/v1/webhooks")).status).toBe(401);
    const wrong = await t.app.request("/v1/webhooks", { headers: { authorization: `Bearer ${t.key.slice(0, -2)}xx` } });
    expect(wrong.status).toBe(401);
    expect(await errorOf(wrong)).toMatchObject({ code: "unauthorized", message: "the API key is unknown or revoked" });
    expect((await t.app.request("/v1/webhooks", { headers: { "x-api-key": t.key } })).status).toBe(200);
  });

  it("creates with a generated secret shown once, and never returns it again", async () => {
    const res = await t.request(
      "/v1/webhooks",
      json({ name: "on-call", url: "https://example.test/hook", events: ["voicemail.urgent"] }),
    );
    expect(res.status).toBe(201);
    const created = (await res.json()) as Record<string, unknown>;
    expect(created).toMatchObject({
      name: "on-call",
      url: "https://example.test/hook",
      events: ["voicemail.urgent"],
      enabled: true,
    });
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    const id = created.id as number;
    const got = (await (await t.request(`/v1/webhooks/${id}`)).json()) as Record<string, unknown>;
    expect(got).not.toHaveProperty("secret");
    expect(got).toEqual({ ...created, secret: undefined });
    const list = (await (await t.request("/v1/webhooks")).json()) as { items: Record<string, unknown>[] };
    expect(list.items).toHaveLength(1);
    expect(list.items[0]).not.toHaveProperty("secret");
  });

  it("keeps a caller's own secret, and patches without revealing it", async () => {
    const created = (await (
      await t.request(
        "/v1/webhooks",
        json({
          name: "crm",
          url: "http://10.0.0.5/in",
          events: ["*"],
          secret: "my-own-secret-0123456789",
          enabled: false,
        }),
      )
    ).json()) as { id: number; secret: string; enabled: boolean };
    expect(created).toMatchObject({ secret: "my-own-secret-0123456789", enabled: false });
    const patched = await t.request(
      `/v1/webhooks/${created.id}`,
      json(
        { enabled: true, events: ["form.submitted", "form.submitted"], secret: "rotated-secret-abcdefghij" },
        "PATCH",
      ),
    );
    expect(patched.status).toBe(200);
    const body = (await patched.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ enabled: true, events: ["form.submitted"], name: "crm" });
    expect(body).not.toHaveProperty("secret");
    expect(await t.services.sql.get("SELECT secret FROM webhook_endpoints WHERE id = ?", [created.id])).toEqual({
      secret: "rotated-secret-abcdefghij",
    });
  });

  it("deletes an endpoint, then answers 404 for it", async () => {
    const { id } = (await (
      await t.request("/v1/webhooks", json({ name: "gone", url: "http://127.0.0.1:1/x", events: ["*"] }))
    ).json()) as { id: number };
    expect((await t.request(`/v1/webhooks/${id}`, { method: "DELETE" })).status).toBe(204);
    for (const [path, init] of [
      [`/v1/webhooks/${id}`, {}],
      [`/v1/webhooks/${id}`, { method: "DELETE" }],
      [`/v1/webhooks/${id}/deliveries`, {}],
      [`/v1/webhooks/${id}/test`, { method: "POST" }],
    ] as const) {
      const res = await t.request(path, init);
      expect(res.status, `${init.method ?? "GET"} ${path}`).toBe(404);
      expect(await errorOf(res)).toEqual({
        code: "webhook_not_found",
        message: `webhook endpoint ${id} does not exist`,
      });
    }
    expect((await t.request("/v1/webhooks/abc")).status).toBe(404);
  });

  it("refuses bad input with 400, 409 and 415", async () => {
    const cases: Array<[unknown, RegExp]> = [
      [
        { name: "x", url: "ftp://example.test/", events: ["*"] },
        /url: must be an absolute http:\/\/ or https:\/\/ URL/,
      ],
      [{ name: "x", url: "not a url", events: ["*"] }, /url: must be an absolute/],
      [{ name: "x", url: "https://user:pw@example.test/", events: ["*"] }, /url: must not carry credentials/],
      [{ name: "x", url: "https://example.test/", events: ["voicemail.exploded"] }, /events\.0/],
      [{ name: "x", url: "https://example.test/", events: ["*", "job.dead"] }, /use \["\*"\] alone/],
      [{ name: "x", url: "https://example.test/", events: [] }, /events/],
      [{ name: "x", url: "https://example.test/" }, /events/],
      [{ name: "x", url: "https://example.test/", events: ["webhook.test"] }, /events\.0/],
      [{ name: "has space", url: "https://example.test/", events: ["*"] }, /name: 1-64 letters/],
      [{ name: "x", url: "https://example.test/", events: ["*"], secret: "short" }, /secret/],
      [{ name: "x", url: "https://example.test/", events: ["*"], colour: "red" }, /colour/],
    ];
    for (const [body, message] of cases) {
      const res = await t.request("/v1/webhooks", json(body));
      expect(res.status, JSON.stringify(body)).toBe(400);
      const error = await errorOf(res);
      expect(error.code).toBe("invalid_request");
      expect(error.message).toMatch(message);
    }
    const invalidJson = await t.request("/v1/webhooks", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{not json",
    });
    expect([invalidJson.status, (await errorOf(invalidJson)).code]).toEqual([400, "invalid_json"]);
    const notJson = await t.request("/v1/webhooks", {
      method: "POST",
      headers: { "content-type": "text/plain" },
      body: "name=x",
    });
    expect([notJson.status, (await errorOf(notJson)).code]).toEqual([415, "unsupported_media_type"]);
    expect((await t.request("/v1/webhooks/1", json({}, "PATCH"))).status).toBe(400);
  });

  it("keeps names unique: 409 on create and on rename", async () => {
    await t.request("/v1/webhooks", json({ name: "a", url: "https://example.test/a", events: ["*"] }));
    const b = (await (
      await t.request("/v1/webhooks", json({ name: "b", url: "https://example.test/b", events: ["*"] }))
    ).json()) as { id: number };
    const dup = await t.request("/v1/webhooks", json({ name: "a", url: "https://example.test/c", events: ["*"] }));
    expect(dup.status).toBe(409);
    expect(await errorOf(dup)).toEqual({
      code: "webhook_name_taken",
      message: "a webhook endpoint named 'a' already exists",
    });
    const rename = await t.request(`/v1/webhooks/${b.id}`, json({ name: "a" }, "PATCH"));
    expect([rename.status, (await errorOf(rename)).code]).toEqual([409, "webhook_name_taken"]);
  });

  it("refuses a test delivery to a disabled endpoint with 409", async () => {
    const { id } = (await (
      await t.request(
        "/v1/webhooks",
        json({ name: "off", url: "https://example.test/", events: ["*"], enabled: false }),
      )
    ).json()) as { id: number };
    const res = await t.request(`/v1/webhooks/${id}/test`, { method: "POST" });
    expect([res.status, (await errorOf(res)).code]).toEqual([409, "webhook_endpoint_disabled"]);
  });

  it("validates the delivery log's cursor and limit", async () => {
    const { id } = (await (
      await t.request("/v1/webhooks", json({ name: "log", url: "https://example.test/", events: ["*"] }))
    ).json()) as { id: number };
    expect(await (await t.request(`/v1/webhooks/${id}/deliveries`)).json()).toEqual({ items: [], nextCursor: null });
    expect((await t.request(`/v1/webhooks/${id}/deliveries?limit=0`)).status).toBe(400);
    expect((await t.request(`/v1/webhooks/${id}/deliveries?cursor=soon`)).status).toBe(400);
  });
});
