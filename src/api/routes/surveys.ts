import { z } from "zod";
import { ParleyError } from "../../lib/errors.js";
import type { ApiDeps } from "../deps.js";
import { SurveyResultsRepo } from "../../store/repos/survey-results-repo.js";
import { apiRouter, described, jsonRequest, route } from "../openapi/route.js";
import { idPageQuery } from "../pagination.js";

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

const tags = ["surveys"];
const nameParams = z.object({ name: z.string().describe("the survey's name") });
const list = route({
  method: "get",
  path: "/",
  summary: "Surveys defined by agents, with their response counts",
  tags,
  responses: { 200: described() },
});
const summary = route({
  method: "get",
  path: "/{name}",
  summary: "Aggregate results: responses, average rating, distribution 1-5, by channel (keypad or voice)",
  tags,
  request: { params: nameParams },
  responses: { 200: described() },
  errors: { 404: "No such survey" },
});
const responses = route({
  method: "get",
  path: "/{name}/responses",
  summary: "Individual responses, newest first",
  tags,
  request: { params: nameParams, query: listQuery },
  responses: { 200: described() },
  errors: { 400: "Bad cursor or limit", 404: "No such survey" },
});
const call = route({
  method: "post",
  path: "/{name}/calls",
  summary: "Call someone now with the survey of the given agent",
  tags,
  request: { params: nameParams, body: jsonRequest(callBody) },
  responses: { 200: described("The call's result") },
  errors: {
    400: "Invalid fields",
    409: "No SIP",
    415: "Not JSON",
    422: "The agent has no such survey",
    502: "Not answered",
  },
});

/** /v1/surveys: aggregate results per survey, the responses, and outbound survey calls. */
export function surveyRoutes(services: Pick<ApiDeps, "agents" | "calls" | "sql">) {
  const app = apiRouter();
  const repo = new SurveyResultsRepo(services.sql);
  const known = () => new Set(services.agents.list().flatMap((e) => (e.agent.survey ? [e.agent.survey.name] : [])));

  app.openapi(list, async (c) => {
    const counts = new Map((await repo.names()).map((n) => [n.survey, n.responses]));
    const names = new Set([...known(), ...counts.keys()]);
    return c.json({ items: [...names].sort().map((name) => ({ survey: name, responses: counts.get(name) ?? 0 })) });
  });

  /** A survey exists when an agent defines it or responses were stored under its name (an agent removed since). */
  const existing = async (name: string) => {
    if (!known().has(name) && !(await repo.names()).some((n) => n.survey === name)) {
      throw new ParleyError("not_found", `no survey named '${name}': no agent defines it and it has no responses`, {
        status: 404,
      });
    }
    return name;
  };

  app.openapi(summary, async (c) => c.json(await repo.summary(await existing(c.req.param("name")))));

  app.openapi(responses, async (c) => {
    const name = await existing(c.req.param("name"));
    const q = c.req.valid("query");
    const rows = await repo.responses(name, q.cursor ?? Number.MAX_SAFE_INTEGER, q.limit + 1);
    const page = rows.slice(0, q.limit);
    return c.json({
      items: page.map((r) => ({ ...r, at: new Date(r.at).toISOString() })),
      nextCursor: rows.length > q.limit ? (page[page.length - 1]?.id ?? null) : null,
    });
  });

  app.openapi(call, async (c) => {
    const body = c.req.valid("json");
    const agent = services.agents.find(body.agent)?.agent;
    if (!agent?.survey || agent.survey.name !== c.req.param("name")) {
      throw new ParleyError("survey_missing", `agent '${body.agent}' does not run survey '${c.req.param("name")}'`, {
        status: 422,
      });
    }
    const result = await services.calls.survey({
      to: body.to,
      agent: agent.name,
      signal: AbortSignal.timeout(5 * 60_000),
    });
    return c.json(result);
  });
  return app;
}
