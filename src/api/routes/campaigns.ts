import { Hono, type Context } from "hono";
import { z } from "zod";
import { ParleyError } from "../../lib/errors.js";
import {
  changeCampaign,
  createCampaign,
  createCampaignSchema,
  type CampaignAction,
} from "../../notify/campaigns/campaigns.js";
import { campaignProgress } from "../../notify/campaigns/progress.js";
import { importRecipients, recipientsFromCsv, recipientsFromJson } from "../../notify/campaigns/recipients.js";
import { resultsCsv } from "../../notify/campaigns/results-csv.js";
import { notifyContext } from "../../notify/context.js";
import type { ApiDeps } from "../deps.js";
import { campaignStatuses } from "../../store/repos/campaigns-repo.js";
import { notificationStatuses, type NotificationStatus } from "../../store/repos/notifications-repo.js";
import type { OpenApiRegistry } from "../openapi/registry.js";
import { idPageQuery } from "../pagination.js";
import { idParam, jsonBody, parseWith } from "../validate.js";
import { statusList } from "./notifications.js";
import { presentCampaign, presentNotification } from "./notify-present.js";

const tags = ["campaigns"];
const listQuery = z.object({ ...idPageQuery, status: z.enum(campaignStatuses).optional() });
const recipientsQuery = z.object({ ...idPageQuery, status: statusList<NotificationStatus>(notificationStatuses) });
const CSV_TYPES = /^(text\/csv|application\/csv|text\/plain)/i;

/** /v1/campaigns: bulk outreach (recipients by CSV or JSON, pacing, pause/resume/cancel, progress, results). */
export function campaignRoutes(services: ApiDeps, openapi: OpenApiRegistry): Hono {
  const app = new Hono();
  const ctx = () => notifyContext(services);
  const find = (c: Context) => {
    const campaign = ctx().campaigns.get(idParam(c));
    if (!campaign) throw new ParleyError("not_found", `no campaign ${c.req.param("id")}`, { status: 404 });
    return campaign;
  };
  const withProgress = (id: number) => ({
    ...presentCampaign(ctx().campaigns.get(id)!),
    progress: campaignProgress(ctx(), id),
  });

  openapi.add("post", "/v1/campaigns", {
    summary: "Create a campaign (draft)",
    tags,
    body: createCampaignSchema,
    status: 201,
    responses: { 201: "Created", 400: "Invalid fields or template", 415: "Not JSON", 422: "Unknown agent or template" },
  });
  app.post("/", async (c) =>
    c.json(withProgress(createCampaign(services, parseWith(createCampaignSchema, await jsonBody(c), "body")).id), 201),
  );

  openapi.add("get", "/v1/campaigns", { summary: "Campaigns, newest first", tags, query: listQuery });
  app.get("/", (c) => {
    const q = parseWith(listQuery, c.req.query(), "query");
    const rows = ctx().campaigns.list({ status: q.status, before: q.cursor, limit: q.limit + 1 });
    const page = rows.slice(0, q.limit);
    return c.json({
      items: page.map((r) => withProgress(r.id)),
      nextCursor: rows.length > q.limit ? (page[page.length - 1]?.id ?? null) : null,
    });
  });

  openapi.add("get", "/v1/campaigns/{id}", {
    summary: "A campaign with its progress (recipients per status and per outcome)",
    tags,
    responses: { 404: "No such campaign" },
  });
  app.get("/:id", (c) => c.json(withProgress(find(c).id)));

  openapi.add("post", "/v1/campaigns/{id}/recipients", {
    summary: "Upload recipients (CSV or JSON)",
    description:
      "CSV (text/csv) with a header: a `to` column, optionally `timezone`, one column per template variable. JSON: `[{to, timeZone?, variables?}]` (or `{recipients: [...]}`). Every row is validated; valid rows are imported, numbers on the do-not-call list are imported as rejected_dnc and listed under `flagged`, and `rejected` lists every other bad row (CSV line or JSON index) with the reason.",
    tags,
    bodyMediaTypes: { "text/csv": { description: "recipients" }, "application/json": { description: "recipients" } },
    responses: {
      400: "Unreadable CSV or JSON",
      404: "No such campaign",
      409: "The campaign is cancelled or finished",
      413: "Too many rows",
      415: "Neither CSV nor JSON",
    },
  });
  app.post("/:id/recipients", async (c) => {
    const campaign = find(c);
    const type = c.req.header("content-type") ?? "";
    const rows = CSV_TYPES.test(type) ? recipientsFromCsv(await c.req.text()) : recipientsFromJson(await jsonBody(c));
    return c.json(await importRecipients(services, campaign, rows));
  });

  openapi.add("get", "/v1/campaigns/{id}/recipients", {
    summary: "Per-recipient status, newest first",
    tags,
    query: recipientsQuery,
    responses: { 404: "No such campaign" },
  });
  app.get("/:id/recipients", (c) => {
    const campaign = find(c);
    const q = parseWith(recipientsQuery, c.req.query(), "query");
    const rows = ctx().notifications.list({
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

  openapi.add("get", "/v1/campaigns/{id}/results.csv", {
    summary: "Per-recipient results as CSV",
    tags,
    responseMediaType: "text/csv",
    responses: { 404: "No such campaign" },
  });
  app.get("/:id/results.csv", (c) => {
    const campaign = find(c);
    return c.body(resultsCsv(ctx(), campaign), 200, {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="campaign-${campaign.id}-results.csv"`,
    });
  });

  for (const action of ["start", "pause", "resume", "cancel"] as const satisfies readonly CampaignAction[]) {
    openapi.add("post", `/v1/campaigns/{id}/${action}`, {
      summary: `${action[0]!.toUpperCase()}${action.slice(1)} the campaign`,
      tags,
      responses: { 404: "No such campaign", 409: "Not allowed in the campaign's status (or no recipients, to start)" },
    });
    app.post(`/:id/${action}`, async (c) => {
      const changed = await changeCampaign(services, idParam(c), action);
      return c.json(withProgress(changed.id));
    });
  }

  openapi.add("delete", "/v1/campaigns/{id}", {
    summary: "Delete a campaign and its recipients (not while running)",
    tags,
    status: 204,
    responses: { 404: "No such campaign", 409: "Running" },
  });
  app.delete("/:id", (c) => {
    const campaign = find(c);
    if (campaign.status === "running" || campaign.status === "paused")
      throw new ParleyError(
        "campaign_invalid_state",
        `cancel campaign ${campaign.id} first: it is ${campaign.status}`,
        { status: 409 },
      );
    ctx().campaigns.remove(campaign.id);
    return c.body(null, 204);
  });
  return app;
}
