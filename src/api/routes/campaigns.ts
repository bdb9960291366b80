import type { Context } from "hono";
import { z } from "zod";
import { ParleyError } from "../../lib/errors.js";
import { createCampaignSchema, type CampaignAction } from "../../notify/campaigns/campaigns.js";
import { campaignProgress } from "../../notify/campaigns/progress.js";
import { recipientsFromCsv, recipientsFromJson } from "../../notify/campaigns/recipients.js";
import { resultsCsv } from "../../notify/campaigns/results-csv.js";
import type { ApiDeps } from "../deps.js";
import { campaignStatuses } from "../../store/repos/campaigns-repo.js";
import { notificationStatuses, type NotificationStatus } from "../../store/repos/notifications-repo.js";
import { apiRouter, binary, described, idParams, jsonRequest, route } from "../openapi/route.js";
import { idPageQuery } from "../pagination.js";
import { idParam, jsonBody } from "../validate.js";
import { statusList } from "./notifications.js";
import { presentCampaign, presentNotification } from "./notify-present.js";

const tags = ["campaigns"];
const listQuery = z.object({ ...idPageQuery, status: z.enum(campaignStatuses).optional() });
const recipientsQuery = z.object({ ...idPageQuery, status: statusList<NotificationStatus>(notificationStatuses) });
const CSV_TYPES = /^(text\/csv|application\/csv|text\/plain)/i;

const notFound = { 404: "No such campaign" };

const create = route({
  method: "post",
  path: "/",
  summary: "Create a campaign (draft)",
  tags,
  request: { body: jsonRequest(createCampaignSchema) },
  responses: { 201: described("Created") },
  errors: { 400: "Invalid fields or template", 415: "Not JSON", 422: "Unknown agent or template" },
});
const list = route({
  method: "get",
  path: "/",
  summary: "Campaigns, newest first",
  tags,
  request: { query: listQuery },
  responses: { 200: described() },
  errors: { 400: "Bad filter, cursor or limit" },
});
const get = route({
  method: "get",
  path: "/{id}",
  summary: "A campaign with its progress (recipients per status and per outcome)",
  tags,
  request: { params: idParams },
  responses: { 200: described() },
  errors: notFound,
});
const upload = route({
  method: "post",
  path: "/{id}/recipients",
  summary: "Upload recipients (CSV or JSON)",
  description:
    "CSV (text/csv) with a header: a `to` column, optionally `timezone`, one column per template variable. JSON: `[{to, timeZone?, variables?}]` (or `{recipients: [...]}`). Every row is validated; valid rows are imported, numbers on the do-not-call list are imported as rejected_dnc and listed under `flagged`, and `rejected` lists every other bad row (CSV line or JSON index) with the reason.",
  tags,
  request: {
    params: idParams,
    // Read by the handler: every row is checked and a bad one is reported by line, not as a failed request.
    body: {
      required: true,
      content: {
        "text/csv": { schema: { type: "string", description: "recipients" } },
        "application/json": {
          schema: { type: ["array", "object"], description: "recipients: [{to, timeZone?, variables?}]" },
        },
      },
    },
  },
  responses: { 200: described("Imported, with the flagged and rejected rows") },
  errors: {
    400: "Unreadable CSV or JSON",
    ...notFound,
    409: "The campaign is cancelled or finished",
    413: "Too many rows",
    415: "Neither CSV nor JSON",
  },
});
const recipients = route({
  method: "get",
  path: "/{id}/recipients",
  summary: "Per-recipient status, newest first",
  tags,
  request: { params: idParams, query: recipientsQuery },
  responses: { 200: described() },
  errors: { 400: "Bad filter, cursor or limit", ...notFound },
});
const results = route({
  method: "get",
  path: "/{id}/results.csv",
  summary: "Per-recipient results as CSV",
  tags,
  request: { params: idParams },
  responses: { 200: binary("text/csv") },
  errors: notFound,
});
const actions = (["start", "pause", "resume", "cancel"] as const satisfies readonly CampaignAction[]).map((action) => ({
  action,
  declared: route({
    method: "post",
    path: `/{id}/${action}`,
    summary: `${action[0]!.toUpperCase()}${action.slice(1)} the campaign`,
    tags,
    request: { params: idParams },
    responses: { 200: described() },
    errors: { ...notFound, 409: "Not allowed in the campaign's status (or no recipients, to start)" },
  }),
}));
const remove = route({
  method: "delete",
  path: "/{id}",
  summary: "Delete a campaign and its recipients (not while running)",
  tags,
  request: { params: idParams },
  responses: { 204: described("Deleted") },
  errors: { ...notFound, 409: "Running" },
});

/** /v1/campaigns: bulk outreach (recipients by CSV or JSON, pacing, pause/resume/cancel, progress, results). */
export function campaignRoutes(services: Pick<ApiDeps, "notify">) {
  const app = apiRouter();
  const ctx = () => services.notify.context();
  const find = async (c: Context) => {
    const campaign = await ctx().campaigns.get(idParam(c));
    if (!campaign) throw new ParleyError("not_found", `no campaign ${c.req.param("id")}`, { status: 404 });
    return campaign;
  };
  const withProgress = async (id: number) => {
    const campaign = await ctx().campaigns.get(id);
    if (!campaign) throw new ParleyError("not_found", `no campaign ${id}`, { status: 404 });
    return { ...presentCampaign(campaign), progress: await campaignProgress(ctx(), id) };
  };

  app.openapi(create, async (c) =>
    c.json(await withProgress((await services.notify.createCampaign(c.req.valid("json"))).id), 201),
  );

  app.openapi(list, async (c) => {
    const q = c.req.valid("query");
    const rows = await ctx().campaigns.list({ status: q.status, before: q.cursor, limit: q.limit + 1 });
    const page = rows.slice(0, q.limit);
    const items = [];
    for (const r of page) items.push(await withProgress(r.id));
    return c.json({
      items,
      nextCursor: rows.length > q.limit ? (page[page.length - 1]?.id ?? null) : null,
    });
  });

  app.openapi(get, async (c) => c.json(await withProgress((await find(c)).id)));

  app.openapi(upload, async (c) => {
    const campaign = await find(c);
    const type = c.req.header("content-type") ?? "";
    const rows = CSV_TYPES.test(type) ? recipientsFromCsv(await c.req.text()) : recipientsFromJson(await jsonBody(c));
    return c.json(await services.notify.importRecipients(campaign, rows));
  });

  app.openapi(recipients, async (c) => {
    const campaign = await find(c);
    const q = c.req.valid("query");
    const rows = await ctx().notifications.list({
      campaignId: campaign.id,
      status: q.status,
      before: q.cursor,
      limit: q.limit + 1,
    });
    const page = rows.slice(0, q.limit);
    return c.json({
      items: page.map(presentNotification),
      nextCursor: rows.length > q.limit ? (page[page.length - 1]?.id ?? null) : null,
    });
  });

  app.openapi(results, async (c) => {
    const campaign = await find(c);
    return c.body(await resultsCsv(ctx(), campaign), 200, {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="campaign-${campaign.id}-results.csv"`,
    });
  });

  for (const { action, declared } of actions) {
    app.openapi(declared, async (c) => {
      const changed = await services.notify.changeCampaign(idParam(c), action);
      return c.json(await withProgress(changed.id));
    });
  }

  app.openapi(remove, async (c) => {
    const campaign = await find(c);
    if (campaign.status === "running" || campaign.status === "paused")
      throw new ParleyError(
        "campaign_invalid_state",
        `cancel campaign ${campaign.id} first: it is ${campaign.status}`,
        { status: 409 },
      );
    await ctx().campaigns.remove(campaign.id);
    return c.body(null, 204);
  });
  return app;
}
