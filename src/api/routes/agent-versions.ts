import type { Context } from "hono";
import { z } from "zod";
import { redactAgent } from "../../agent/redact.js";
import type { AgentDefinition } from "../../agent/definition.js";
import { definitionYaml } from "../../agent/versions-view.js";
import { diffText } from "../../lib/line-diff.js";
import type { ApiDeps } from "../deps.js";
import { apiRouter, binary, described, route } from "../openapi/route.js";
import { idParam } from "../validate.js";

const tags = ["agents"];
const nameParams = z.object({ name: z.string().describe("the agent's name") });
const versionParams = nameParams.extend({ version: z.string().describe("a version number (1 = as created)") });
const readOnly = "Defined in a file (its history is the file's)";

const list = route({
  method: "get",
  path: "/{name}/versions",
  summary: "An API agent's saved definitions, newest first",
  description:
    "Every save (create, replace, restore) keeps the definition as a new version, with who saved it and when.",
  tags,
  request: { params: nameParams },
  responses: { 200: described() },
  errors: { 404: "No such agent", 409: readOnly },
});
const get = route({
  method: "get",
  path: "/{name}/versions/{version}",
  summary: "One saved definition (auth values shown as valueSet)",
  tags,
  request: { params: versionParams },
  responses: { 200: described() },
  errors: { 404: "No such agent or version", 409: readOnly },
});
const diff = route({
  method: "get",
  path: "/{name}/versions/{version}/diff",
  summary: "What changed from this version to the current definition, as a plain-text line diff of the YAML",
  description:
    'Lines start with "  " (unchanged), "- " (only in the version) or "+ " (only in the current one); empty when equal.',
  tags,
  request: { params: versionParams },
  responses: { 200: binary("text/plain") },
  errors: { 404: "No such agent or version", 409: readOnly },
});
const restore = route({
  method: "post",
  path: "/{name}/versions/{version}/restore",
  summary: "Save an old version again as the current definition (a new version)",
  tags,
  request: { params: versionParams },
  responses: { 200: described("The agent as restored") },
  errors: { 404: "No such agent or version", 409: readOnly, 422: "The old definition is not valid any more" },
});

/** Who made a change through the API: the key's id (the console says "operator <name>"). */
export function apiActor(c: Context): string {
  const id = c.get("apiKeyId" as never) as unknown;
  return typeof id === "number" || typeof id === "string" ? `key ${id}` : "key";
}

/** /v1/agents/{name}/versions: the version history of agents made through the API. */
export function agentVersionRoutes(services: Pick<ApiDeps, "agents">) {
  const app = apiRouter();

  app.openapi(list, async (c) => {
    const name = c.req.param("name");
    const items = await services.agents.versions(name);
    return c.json({ items: items.map((v, i) => ({ ...v, current: i === 0 })) });
  });

  app.openapi(get, async (c) => {
    const name = c.req.param("name");
    const v = await services.agents.version(name, idParam(c, "version"));
    return c.json({ ...v, definition: redactAgent(v.definition as AgentDefinition) });
  });

  app.openapi(diff, async (c) => {
    const name = c.req.param("name");
    const v = await services.agents.version(name, idParam(c, "version"));
    const text = diffText(definitionYaml(v.definition), definitionYaml(services.agents.get(name)));
    return c.text(text, 200, { "content-type": "text/plain; charset=utf-8" });
  });

  app.openapi(restore, async (c) => {
    const name = c.req.param("name");
    const agent = await services.agents.restore(name, idParam(c, "version"), apiActor(c));
    const version = (await services.agents.versions(name))[0]?.version;
    return c.json({ ...redactAgent(agent), source: "api", version });
  });
  return app;
}
