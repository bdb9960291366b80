import { z } from "zod";
import { ParleyError } from "../../lib/errors.js";
import { callbackStatuses } from "../../store/repos/callbacks-repo.js";
import type { ApiDeps } from "../deps.js";
import { apiRouter, idParams, jsonRequest, ok, route } from "../openapi/route.js";
import { idPageQuery, pageSchema } from "../pagination.js";
import { idParam } from "../validate.js";
import { callbackSchema, presentCallback } from "./callback-present.js";

const tags = ["callbacks"];
const listQuery = z.object({
  status: z.enum(callbackStatuses).optional().describe("upcoming, calling, placed, failed or cancelled"),
  ...idPageQuery,
});
const rescheduleBody = z
  .object({
    at: z.iso
      .datetime({ offset: true })
      .describe("the new time, ISO 8601 with a zone (2026-12-07T10:00:00Z); inside the callback hours"),
  })
  .strict();
const notFound = { 404: "No such callback" };

const list = route({
  method: "get",
  path: "/",
  summary: "Callbacks promised (by live calls, voicemail rules and notification menus), newest first",
  tags,
  request: { query: listQuery },
  responses: { 200: ok(pageSchema(callbackSchema)) },
  errors: { 400: "Bad filter, cursor or limit" },
});
const get = route({
  method: "get",
  path: "/{id}",
  summary: "A callback: its status, next time, attempts and outcome",
  tags,
  request: { params: idParams },
  responses: { 200: ok(callbackSchema) },
  errors: notFound,
});
const cancel = route({
  method: "post",
  path: "/{id}/cancel",
  summary: "Cancel an upcoming callback (its job is cancelled; nothing is dialled)",
  tags,
  request: { params: idParams },
  responses: { 200: ok(callbackSchema) },
  errors: { ...notFound, 409: "Already placed, being placed, failed or cancelled" },
});
const reschedule = route({
  method: "post",
  path: "/{id}/reschedule",
  summary: "Move an upcoming callback to another time",
  description:
    "The time must be in the future (at most 30 days ahead) and allowed by the callback rules (notify.callbacks: hours, quiet days, holidays, the per-number daily cap); otherwise a 400 names the rule and `details.firstPossible` the first allowed time.",
  tags,
  request: { params: idParams, body: jsonRequest(rescheduleBody) },
  responses: { 200: ok(callbackSchema) },
  errors: { 400: "In the past, too far ahead, or outside the callback rules", ...notFound, 409: "Not upcoming" },
});

/** /v1/callbacks: the callbacks Parley promised, and an operator's cancel and reschedule. */
export function callbackRoutes(services: Pick<ApiDeps, "notify">) {
  const app = apiRouter();
  const desk = services.notify.callbacks;

  app.openapi(list, async (c) => {
    const q = c.req.valid("query");
    const rows = await desk.list({ status: q.status, before: q.cursor, limit: q.limit + 1 });
    const page = rows.slice(0, q.limit);
    return c.json({
      items: page.map(presentCallback),
      nextCursor: rows.length > q.limit ? (page[page.length - 1]?.id ?? null) : null,
    });
  });

  app.openapi(get, async (c) => {
    const found = await desk.get(idParam(c));
    if (!found) throw new ParleyError("not_found", `no callback ${c.req.param("id")}`, { status: 404 });
    return c.json(presentCallback(found));
  });

  app.openapi(cancel, async (c) => c.json(presentCallback(await desk.cancel(idParam(c)))));

  app.openapi(reschedule, async (c) => {
    const at = Date.parse(c.req.valid("json").at);
    return c.json(presentCallback(await desk.reschedule(idParam(c), at)));
  });
  return app;
}
