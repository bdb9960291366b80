import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../helpers/app.js";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ registerTasks: false });
});
afterAll(() => t.close());

describe("/v1/openapi.json", () => {
  it("is public and lists the webhook, job and event operations with their parameters and statuses", async () => {
    const res = await t.app.request("/v1/openapi.json");
    expect(res.status).toBe(200);
    const doc = (await res.json()) as {
      paths: Record<
        string,
        Record<
          string,
          {
            summary: string;
            parameters?: Array<{ name: string; in: string }>;
            responses: Record<string, unknown>;
            requestBody?: unknown;
          }
        >
      >;
    };
    const ops = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`),
    );
    expect(ops).toEqual(
      expect.arrayContaining([
        "POST /v1/webhooks",
        "GET /v1/webhooks",
        "GET /v1/webhooks/{id}",
        "PATCH /v1/webhooks/{id}",
        "DELETE /v1/webhooks/{id}",
        "GET /v1/webhooks/{id}/deliveries",
        "POST /v1/webhooks/{id}/test",
        "GET /v1/jobs",
        "GET /v1/jobs/{id}",
        "POST /v1/jobs/{id}/retry",
        "POST /v1/jobs/{id}/cancel",
        "GET /v1/events",
      ]),
    );
    const create = doc.paths["/v1/webhooks"]?.post;
    expect(create?.requestBody).toBeDefined();
    expect(Object.keys(create?.responses ?? {})).toEqual(expect.arrayContaining(["201", "400", "401", "409", "415"]));
    expect(create?.responses).not.toHaveProperty("200");
    expect(doc.paths["/v1/webhooks/{id}"]?.delete?.responses).toHaveProperty("204");
    expect(doc.paths["/v1/jobs"]?.get?.parameters?.map((p) => p.name)).toEqual(["kind", "status", "cursor", "limit"]);
    expect(doc.paths["/v1/events"]?.get?.parameters?.map((p) => p.name)).toEqual(["since", "types", "api_key"]);
    expect(doc.paths["/v1/events"]?.get?.responses["200"]).toMatchObject({ content: { "text/event-stream": {} } });
    expect(doc.paths["/v1/webhooks/{id}/deliveries"]?.get?.parameters).toEqual(
      expect.arrayContaining([expect.objectContaining({ name: "id", in: "path" })]),
    );
  });
});
