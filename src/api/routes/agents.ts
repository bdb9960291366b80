import { Hono } from "hono";
import { z } from "zod";
import { agentSchema } from "../../agent/definition.js";
import { parseAgent } from "../../agent/load.js";
import { redactAgent } from "../../agent/redact.js";
import { ParleyError } from "../../lib/errors.js";
import type { ApiDeps } from "../deps.js";
import type { OpenApiRegistry } from "../openapi/registry.js";
import { definitionBody } from "../validate.js";

/** /v1/agents: agents from files (read-only here) and from the API (stored in the database). */
export function agentRoutes(services: ApiDeps, openapi: OpenApiRegistry): Hono {
  const app = new Hono();
  // Auth values of HTTP tools are write-only: shown as {header, valueSet: true}, kept when sent back so.
  const present = (e: { agent: z.infer<typeof agentSchema>; source: string }) => ({
    ...redactAgent(e.agent),
    source: e.source,
  });

  openapi.add("get", "/v1/agents", { summary: "All agents, with where each is defined", tags: ["agents"] });
  app.get("/", (c) => c.json({ items: services.agents.list().map(present) }));

  openapi.add("post", "/v1/agents/validate", {
    summary: "Validate a definition without saving it",
    tags: ["agents"],
    body: agentSchema,
    description:
      "JSON or YAML (Content-Type: application/yaml, as agents/*.yaml are written). Answers 200 {valid: true, agent} with defaults filled in, or 200 {valid: false, issues} naming each field and reason.",
    bodyMediaTypes: { "application/yaml": { description: "the definition as YAML" } },
  });
  app.post("/validate", async (c) => {
    try {
      return c.json({ valid: true, agent: redactAgent(parseAgent(await definitionBody(c), "agent")) });
    } catch (err) {
      if (err instanceof ParleyError && err.code === "agent_invalid")
        return c.json({ valid: false, message: err.message, issues: err.details?.issues ?? [] });
      throw err;
    }
  });

  openapi.add("get", "/v1/agents/{name}", {
    summary: "One agent",
    tags: ["agents"],
    responses: { 404: "No such agent" },
  });
  app.get("/:name", (c) => {
    const e = services.agents.find(c.req.param("name"));
    if (!e) throw new ParleyError("not_found", `no agent named '${c.req.param("name")}'`, { status: 404 });
    return c.json(present(e));
  });

  openapi.add("post", "/v1/agents", {
    summary: "Create an agent (or replace one made through the API)",
    tags: ["agents"],
    body: agentSchema,
    bodyMediaTypes: { "application/yaml": { description: "the definition as YAML" } },
    responses: { 201: "Saved", 409: "Defined in a file", 422: "Invalid definition" },
  });
  app.post("/", async (c) => {
    const body = await definitionBody(c);
    const name = (body as { name?: unknown } | null)?.name;
    const existed = typeof name === "string" && services.agents.find(name) !== null;
    const agent = services.agents.save(body);
    return c.json(present({ agent, source: "api" }), existed ? 200 : 201);
  });

  openapi.add("put", "/v1/agents/{name}", {
    summary: "Replace an API agent",
    tags: ["agents"],
    body: agentSchema,
    bodyMediaTypes: { "application/yaml": { description: "the definition as YAML" } },
    responses: { 400: "Name mismatch", 409: "Defined in a file", 422: "Invalid definition" },
  });
  app.put("/:name", async (c) => {
    const body = (await definitionBody(c)) as Record<string, unknown>;
    if (body && typeof body === "object" && body.name !== undefined && body.name !== c.req.param("name")) {
      throw new ParleyError(
        "invalid_request",
        `the body's name '${String(body.name)}' does not match the path '${c.req.param("name")}'`,
        { status: 400 },
      );
    }
    return c.json(present({ agent: services.agents.save({ ...body, name: c.req.param("name") }), source: "api" }));
  });

  openapi.add("delete", "/v1/agents/{name}", {
    summary: "Delete an API agent",
    tags: ["agents"],
    responses: { 404: "No such agent", 409: "Defined in a file" },
  });
  app.delete("/:name", (c) => {
    services.agents.delete(c.req.param("name"));
    return c.body(null, 204);
  });
  return app;
}
