import { z } from "zod";
import { agentSchema } from "../../agent/definition.js";
import { parseAgent } from "../../agent/load.js";
import { redactAgent } from "../../agent/redact.js";
import { ParleyError } from "../../lib/errors.js";
import type { ApiDeps } from "../deps.js";
import { apiRouter, described, documented, route } from "../openapi/route.js";
import { definitionBody } from "../validate.js";
import { apiActor } from "./agent-versions.js";

const tags = ["agents"];
const nameParams = z.object({ name: z.string().describe("the agent's name") });
// The handler reads the definition itself (JSON or YAML) and answers an invalid one with 422 (or {valid: false}).
const definition = {
  required: true,
  content: {
    "application/json": { schema: documented(agentSchema) },
    "application/yaml": { schema: { ...documented(agentSchema), description: "the definition as YAML" } },
  },
};

const list = route({
  method: "get",
  path: "/",
  summary: "All agents, with where each is defined",
  tags,
  responses: { 200: described() },
});
const validate = route({
  method: "post",
  path: "/validate",
  summary: "Validate a definition without saving it",
  description:
    "JSON or YAML (Content-Type: application/yaml, as agents/*.yaml are written). Answers 200 {valid: true, agent} with defaults filled in, or 200 {valid: false, issues} naming each field and reason.",
  tags,
  request: { body: definition },
  responses: { 200: described() },
});
const get = route({
  method: "get",
  path: "/{name}",
  summary: "One agent",
  tags,
  request: { params: nameParams },
  responses: { 200: described() },
  errors: { 404: "No such agent" },
});
const create = route({
  method: "post",
  path: "/",
  summary: "Create an agent (or replace one made through the API)",
  tags,
  request: { body: definition },
  responses: { 201: described("Saved"), 200: described("Replaced an agent made through the API") },
  errors: { 409: "Defined in a file", 422: "Invalid definition" },
});
const replace = route({
  method: "put",
  path: "/{name}",
  summary: "Replace an API agent",
  tags,
  request: { params: nameParams, body: definition },
  responses: { 200: described() },
  errors: { 400: "Name mismatch", 409: "Defined in a file", 422: "Invalid definition" },
});
const remove = route({
  method: "delete",
  path: "/{name}",
  summary: "Delete an API agent",
  tags,
  request: { params: nameParams },
  responses: { 204: described("Deleted") },
  errors: { 404: "No such agent", 409: "Defined in a file" },
});

/** /v1/agents: agents from files (read-only here) and from the API (stored in the database). */
export function agentRoutes(services: Pick<ApiDeps, "agents">) {
  const app = apiRouter();
  // Auth values of HTTP tools are write-only: shown as {header, valueSet: true}, kept when sent back so.
  const present = (e: { agent: z.infer<typeof agentSchema>; source: string }) => ({
    ...redactAgent(e.agent),
    source: e.source,
  });

  app.openapi(list, (c) => c.json({ items: services.agents.list().map(present) }));

  app.openapi(validate, async (c) => {
    try {
      return c.json({ valid: true, agent: redactAgent(parseAgent(await definitionBody(c), "agent")) });
    } catch (err) {
      if (err instanceof ParleyError && err.code === "agent_invalid")
        return c.json({ valid: false, message: err.message, issues: err.details?.issues ?? [] });
      throw err;
    }
  });

  app.openapi(get, (c) => {
    const e = services.agents.find(c.req.param("name"));
    if (!e) throw new ParleyError("not_found", `no agent named '${c.req.param("name")}'`, { status: 404 });
    return c.json(present(e));
  });

  app.openapi(create, async (c) => {
    const body = await definitionBody(c);
    const name = (body as { name?: unknown } | null)?.name;
    const existed = typeof name === "string" && services.agents.find(name) !== null;
    const agent = await services.agents.save(body, { by: apiActor(c) });
    return c.json(present({ agent, source: "api" }), existed ? 200 : 201);
  });

  app.openapi(replace, async (c) => {
    const body = (await definitionBody(c)) as Record<string, unknown>;
    if (body && typeof body === "object" && body.name !== undefined && body.name !== c.req.param("name")) {
      throw new ParleyError(
        "invalid_request",
        `the body's name '${String(body.name)}' does not match the path '${c.req.param("name")}'`,
        { status: 400 },
      );
    }
    const agent = await services.agents.save({ ...body, name: c.req.param("name") }, { by: apiActor(c) });
    return c.json(present({ agent, source: "api" }));
  });

  app.openapi(remove, async (c) => {
    await services.agents.delete(c.req.param("name"));
    return c.body(null, 204);
  });
  return app;
}
