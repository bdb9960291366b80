import type { Context } from "hono";
import { z } from "zod";
import { ParleyError } from "../../lib/errors.js";
import type { ApiDeps } from "../deps.js";
import { CallsRepo, type CallRecord } from "../../store/repos/calls-repo.js";
import { apiRouter, binary, described, idParams, jsonRequest, route } from "../openapi/route.js";
import { idPageQuery } from "../pagination.js";
import { idParam } from "../validate.js";
import { callOutcomes, parseCallOutcome } from "../../calls/outcomes.js";
import { sendFile } from "./range.js";
import { checkWavFile } from "../../store/files/index.js";

// Old hyphenated spellings (no-answer) still filter: stored values were migrated to snake_case.
const outcome = z
  .string()
  .max(40)
  .transform((s, ctx) => {
    const parsed = parseCallOutcome(s);
    if (!parsed) ctx.addIssue({ code: "custom", message: `unknown outcome '${s}'; known: ${callOutcomes.join(", ")}` });
    return parsed ?? s;
  });
const listQuery = z.object({
  ...idPageQuery,
  outcome: outcome.optional(),
  direction: z.enum(["inbound", "outbound"]).optional(),
});
const dialBody = z
  .object({
    to: z
      .string()
      .min(3)
      .max(256)
      .regex(/^[^\r\n<>"]+$/, "a SIP URI or a number"),
    agent: z.string().max(63).optional(),
    greeting: z.string().max(500).optional(),
  })
  .strict();

const tags = ["calls"];
const list = route({
  method: "get",
  path: "/",
  summary: "Calls, newest first",
  tags,
  request: { query: listQuery },
  responses: { 200: described() },
  errors: { 400: "Bad filter, cursor or limit" },
});
const get = route({
  method: "get",
  path: "/{id}",
  summary: "A call with its turns and each turn's latency breakdown (ms from the caller's last word)",
  tags,
  request: { params: idParams },
  responses: { 200: described() },
  errors: { 404: "No such call" },
});
const recording = route({
  method: "get",
  path: "/{id}/recording",
  summary: "The call's stereo recording (caller left, agent right), with Range support",
  tags,
  request: { params: idParams },
  responses: { 200: binary("audio/wav"), 206: binary("audio/wav", "One range of it") },
  errors: { 404: "No recording", 416: "Range not satisfiable" },
});
const dial = route({
  method: "post",
  path: "/",
  summary:
    "Place an outbound call now (a SIP URI, or a phone number through sip.trunk): the agent talks to whoever answers",
  tags,
  request: { body: jsonRequest(dialBody) },
  responses: { 202: described("Answered") },
  errors: {
    400: "Invalid fields",
    403: "The number is on the do-not-call list",
    409: "This server does not run SIP",
    415: "Not JSON",
    422: "A phone number without sip.trunk (no_trunk), not a number or SIP URI (invalid_number), or an unknown agent",
    502: "Not answered (busy, no answer, rejected)",
    503: "Engines loading, at capacity, or shutting down",
  },
});

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

function present(c: CallRecord) {
  return {
    id: c.id,
    direction: c.direction,
    from: c.fromUri,
    to: c.toUri,
    sipCallId: c.sipCallId,
    remoteNumber: c.remoteNumber,
    agent: c.agent,
    startedAt: iso(c.startedAt),
    answeredAt: iso(c.answeredAt),
    endedAt: iso(c.endedAt),
    durationMs: c.endedAt && c.answeredAt ? c.endedAt - c.answeredAt : null,
    outcome: c.outcome,
    summary: c.summary,
    voicemailId: c.voicemailId,
    recordingUrl: c.recordingPath ? `/v1/calls/${c.id}/recording` : null,
    context: c.context,
  };
}

/** /v1/calls: the live calls' records, turns with their latency breakdown, recordings; and placing a call. */
export function callRoutes(services: Pick<ApiDeps, "agents" | "calls" | "config" | "sql">) {
  const app = apiRouter();
  const repo = new CallsRepo(services.sql);
  const find = async (c: Context) => {
    const call = await repo.get(idParam(c));
    if (!call) throw new ParleyError("not_found", `no call ${c.req.param("id")}`, { status: 404 });
    return call;
  };

  app.openapi(list, async (c) => {
    const q = c.req.valid("query");
    const rows = await repo.list({
      outcome: q.outcome,
      direction: q.direction,
      beforeId: q.cursor,
      limit: q.limit + 1,
    });
    const page = rows.slice(0, q.limit);
    return c.json({
      items: page.map(present),
      nextCursor: rows.length > q.limit ? (page[page.length - 1]?.id ?? null) : null,
    });
  });

  app.openapi(get, async (c) => {
    const call = await find(c);
    return c.json({
      ...present(call),
      rtp: call.rtpStats,
      turns: (await repo.turns(call.id)).map((t) => ({ ...t, at: new Date(t.at).toISOString() })),
    });
  });

  app.openapi(recording, async (c) => {
    const call = await find(c);
    if (!call.recordingPath) throw new ParleyError("not_found", `call ${call.id} was not recorded`, { status: 404 });
    // The folder may be shared with other nodes: serve only a WAV that is whole.
    await checkWavFile(call.recordingPath);
    return sendFile(c, call.recordingPath, "audio/wav");
  });

  app.openapi(dial, async (c) => {
    const body = c.req.valid("json");
    const manager = services.calls.manager;
    if (!manager)
      throw new ParleyError("sip_disabled", "this server does not run SIP (sip.enabled is false)", { status: 409 });
    const agent = body.agent ?? services.config.calls.defaultAgent ?? services.config.agents.default;
    if (!services.agents.find(agent))
      throw new ParleyError("agent_unknown", `no agent named '${agent}'`, { status: 422 });
    const dialed = await manager.dial({
      to: body.to,
      agent,
      ...(body.greeting ? { greeting: body.greeting } : {}),
      context: { source: "api" },
    });
    return c.json({ callId: dialed.callId, status: "answered" }, 202);
  });
  return app;
}
