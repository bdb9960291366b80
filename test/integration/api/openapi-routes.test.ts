import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../helpers/app.js";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ registerTasks: false });
});
afterAll(() => t.close());

interface Operation {
  parameters?: Array<{ name: string; in: string }>;
  requestBody?: { content: Record<string, unknown> };
  responses: Record<string, { content?: Record<string, unknown> }>;
}

/** `GET /v1/jobs/:id` (hono) and `GET /v1/jobs/{id}` (OpenAPI) name the same operation. */
const asOpenApi = (path: string) => path.replace(/:(\w+)/g, "{$1}");

describe("the OpenAPI document and the routes hono serves", () => {
  it("lists every /v1 route the app registered, and nothing it did not", async () => {
    const served = new Set(
      t.app.routes
        .filter((r) => r.method !== "ALL" && r.path.startsWith("/v1/")) // ALL: middleware (auth, body limits)
        .map((r) => `${r.method} ${asOpenApi(r.path)}`),
    );
    const doc = (await (await t.app.request("/v1/openapi.json")).json()) as {
      paths: Record<string, Record<string, Operation>>;
    };
    const documented = new Set(
      Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`)),
    );
    expect(served.size).toBeGreaterThan(50);
    expect([...served].filter((op) => !documented.has(op))).toEqual([]);
    expect([...documented].filter((op) => !served.has(op))).toEqual([]);
  });

  it("describes each operation's path parameters, its request body when it takes one, and its errors", async () => {
    const doc = (await (await t.app.request("/v1/openapi.json")).json()) as {
      paths: Record<string, Record<string, Operation>>;
      components: { schemas: Record<string, unknown> };
    };
    expect(doc.components.schemas).toHaveProperty("Error");
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        const inPath = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
        const params = (op.parameters ?? []).filter((p) => p.in === "path").map((p) => p.name);
        expect(params, `${method} ${path}`).toEqual(inPath);
        if (
          ["post", "put", "patch"].includes(method) &&
          !/\/(retry|cancel|test|start|pause|resume|restore)$/.test(path)
        )
          expect(op.requestBody?.content, `${method} ${path}`).toBeDefined();
        if (path !== "/v1/openapi.json") expect(op.responses, `${method} ${path}`).toHaveProperty("401");
      }
    }
    // A JSON body's schema is the one the route validates with: the webhook's url is required, name too.
    const create = doc.paths["/v1/webhooks"]?.post?.requestBody?.content["application/json"] as {
      schema: { required?: string[] };
    };
    expect(create.schema.required).toEqual(expect.arrayContaining(["name", "url"]));
  });

  it("answers a body that fails a route's schema with our 400, not the library's", async () => {
    const res = await t.request("/v1/webhooks", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: "x" }),
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { code: string; message: string; details: { issues: unknown[] } } };
    expect(body.error.code).toBe("invalid_request");
    expect(body.error.message).toMatch(/^invalid body: url: /);
    expect(body.error.details.issues.length).toBeGreaterThan(0);
    expect(Object.keys(body)).toEqual(["error"]);
  });
});
