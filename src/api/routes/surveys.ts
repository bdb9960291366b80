import { Hono } from "hono";
import { z } from "zod";
import { surveyCall } from "../../calls/survey/outbound.js";
import { ParleyError } from "../../lib/errors.js";
import type { ApiDeps } from "../deps.js";
import { SurveyResultsRepo } from "../../store/repos/survey-results-repo.js";
import type { OpenApiRegistry } from "../openapi/registry.js";
import { idPageQuery } from "../pagination.js";
import { jsonBody, parseWith } from "../validate.js";

const callBody = z
  .object({
    to: z
      .string()
      .min(3)
      .max(256)
      .regex(/^[^\r\n<>"]+$/),
    agent: z.string().max(63),
  })
  .strict();
const listQuery = z.object(idPageQuery);

/** /v1/surveys: aggregate results per survey, the responses, and outbound survey calls. */
export function surveyRoutes(services: ApiDeps, openapi: OpenApiRegistry): Hono {
  const app = new Hono();
  const repo = new SurveyResultsRepo(services.db);
  const known = () => new Set(services.agents.list().flatMap((e) => (e.agent.survey ? [e.agent.survey.name] : [])));

  openapi.add("get", "/v1/surveys", {
    summary: "Surveys defined by agents, with their response counts",
    tags: ["surveys"],
  });
  app.get("/", (c) => {
    const counts = new Map(repo.names().map((n) => [n.survey, n.responses]));
    const names = new Set([...known(), ...counts.keys()]);
    return c.json({ items: [...names].sort().map((name) => ({ survey: name, responses: counts.get(name) ?? 0 })) });
  });

  /** A survey exists when an agent defines it or responses were stored under its name (an agent removed since). */
  const existing = (name: string) => {
    if (!known().has(name) && !repo.names().some((n) => n.survey === name)) {
      throw new ParleyError("not_found", `no survey named '${name}': no agent defines it and it has no responses`, {
        status: 404,
      });
    }
    return name;
  };

  openapi.add("get", "/v1/surveys/{name}", {
    summary: "Aggregate results: responses, average rating, distribution 1-5, by channel (keypad or voice)",
    tags: ["surveys"],
    responses: { 404: "No such survey" },
  });
  app.get("/:name", (c) => c.json(repo.summary(existing(c.req.param("name")))));

  openapi.add("get", "/v1/surveys/{name}/responses", {
    summary: "Individual responses, newest first",
    tags: ["surveys"],
    query: listQuery,
    responses: { 404: "No such survey" },
  });
  app.get("/:name/responses", (c) => {
    const name = existing(c.req.param("name"));
    const q = parseWith(listQuery, c.req.query(), "query");
    const rows = repo.responses(name, q.cursor ?? Number.MAX_SAFE_INTEGER, q.limit + 1);
    const page = rows.slice(0, q.limit);
    return c.json({
      items: page.map((r) => ({ ...r, at: new Date(r.at).toISOString() })),
      nextCursor: rows.length > q.limit ? (page[page.length - 1]?.eventId ?? null) : null,
    });
  });

  openapi.add("post", "/v1/surveys/{name}/calls", {
    summary: "Call someone now with the survey of the given agent",
    tags: ["surveys"],
    body: callBody,
    responses: { 409: "No SIP", 422: "The agent has no such survey", 502: "Not answered" },
  });
  app.post("/:name/calls", async (c) => {
    const body = parseWith(callBody, await jsonBody(c), "body");
    const agent = services.agents.find(body.agent)?.agent;
    if (!agent?.survey || agent.survey.name !== c.req.param("name")) {
      throw new ParleyError("survey_missing", `agent '${body.agent}' does not run survey '${c.req.param("name")}'`, {
        status: 422,
      });
    }
    const result = await surveyCall(services, {
      to: body.to,
      agent: agent.name,
      signal: AbortSignal.timeout(5 * 60_000),
    });
    return c.json(result);
  });
  return app;
}
