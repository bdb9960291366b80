import { Hono, type Context } from "hono";
import type { Child } from "hono/jsx";
import { z } from "zod";
import { createCampaignSchema, type CampaignAction } from "../../../notify/campaigns/campaigns.js";
import { campaignProgress } from "../../../notify/campaigns/progress.js";
import { recipientsFromCsv } from "../../../notify/campaigns/recipients.js";
import { resultsCsv } from "../../../notify/campaigns/results-csv.js";
import { ParleyError } from "../../../lib/errors.js";
import { notificationStatuses, type NotificationStatus } from "../../../store/repos/notifications-repo.js";
import type { ApiDeps } from "../../deps.js";
import { wantsJson } from "../auth/guard.js";
import type { ConsoleEnv } from "../context.js";
import { documentHtml, Page } from "../views/layout.js";
import { CampaignDetail } from "./detail.js";
import { ImportReportView, NewCampaignForm, type NewCampaignValues } from "./new.js";
import { CampaignsBody } from "./page.js";

const ACTIONS = new Set<CampaignAction>(["start", "pause", "resume", "cancel"]);
const PAGE = 50;
const REJECTED_SHOWN = 200;
type Notice = { kind: "ok" | "error"; text: string } | null;

/** Campaigns: the list, one campaign's page, creation from a CSV, and start / pause / resume / cancel (the notify facade's rules). */
export function campaignRoutes(services: Pick<ApiDeps, "logger" | "notify" | "agents">): Hono<ConsoleEnv> {
  const app = new Hono<ConsoleEnv>();
  const ctx = () => services.notify.context();
  const render = async (
    c: Context<ConsoleEnv>,
    title: string,
    body: Child,
    notice: Notice = null,
    status: 200 | 400 | 409 | 413 = 200,
  ) =>
    c.html(
      await documentHtml(
        <Page
          title={title}
          section="campaigns"
          session={c.get("session")}
          csrf={c.get("csrf")}
          scripts={["campaigns.js"]}
          notice={notice}
        >
          {body}
        </Page>,
      ),
      status,
    );
  const campaignOf = async (c: Context<ConsoleEnv>) => {
    const id = Number(c.req.param("id"));
    const campaign = Number.isSafeInteger(id) && id > 0 ? await ctx().campaigns.get(id) : null;
    if (!campaign) throw new ParleyError("not_found", `There is no campaign ${c.req.param("id")}.`, { status: 404 });
    return campaign;
  };
  const doneNotice = (c: Context<ConsoleEnv>): Notice => {
    const done = c.req.query("done");
    return done && /^[a-z]+ \d+$/.test(done)
      ? { kind: "ok", text: `Campaign ${done.split(" ")[1]}: ${done.split(" ")[0]} done.` }
      : null;
  };

  app.get("/campaigns", async (c) => {
    const rows = [];
    for (const campaign of await ctx().campaigns.list({ limit: 100 }))
      rows.push({ campaign, progress: await campaignProgress(ctx(), campaign.id) });
    return render(c, "Campaigns", <CampaignsBody rows={rows} csrf={c.get("csrf")} />, doneNotice(c));
  });

  const newForm = async (
    c: Context<ConsoleEnv>,
    values: NewCampaignValues,
    notice: Notice,
    status: 200 | 400 | 413 = 200,
  ) =>
    render(
      c,
      "New campaign",
      <NewCampaignForm
        csrf={c.get("csrf")}
        agents={services.agents.list().map((e) => e.agent.name)}
        templates={(await ctx().templates.list({ limit: 200 })).map((t) => ({ id: t.id, name: t.name }))}
        values={values}
      />,
      notice,
      status,
    );

  app.get("/campaigns/new", (c) => newForm(c, {}, null));

  // The API's own steps: the CSV read by the upload's parser, the campaign checked by its schema, every row validated
  // and imported by importRecipients. The CSV is read first, so an unreadable file creates nothing.
  app.post("/campaigns/new", async (c) => {
    const form = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>);
    const text = (k: string) => (typeof form[k] === "string" ? (form[k] as string).trim() : "");
    const values: NewCampaignValues = {
      name: text("name"),
      text: text("text"),
      templateId: text("templateId"),
      agent: text("agent"),
      disclosure: text("disclosure"),
    };
    const file = form.file;
    if (!(file instanceof File) || file.size === 0)
      return newForm(c, values, { kind: "error", text: "Choose the CSV file of recipients." }, 400);
    const input = createCampaignSchema.safeParse({
      name: values.name,
      ...(values.templateId ? { templateId: Number(values.templateId) } : { text: values.text || undefined }),
      ...(values.agent ? { agent: values.agent } : {}),
      ...(values.disclosure ? { disclosure: values.disclosure } : {}),
    });
    if (!input.success) {
      const first = input.error.issues[0];
      const field = first?.path.join(".") || "the form";
      return newForm(c, values, { kind: "error", text: `${field}: ${first?.message ?? "invalid"}` }, 400);
    }
    let rows;
    try {
      rows = recipientsFromCsv(await file.text());
    } catch (err) {
      if (!(err instanceof ParleyError) || err.status >= 500) throw err;
      return newForm(
        c,
        values,
        { kind: "error", text: `${file.name}: ${err.message}` },
        err.status === 413 ? 413 : 400,
      );
    }
    const campaign = await services.notify.createCampaign(input.data);
    const report = await services.notify.importRecipients(campaign, rows);
    services.logger.info(
      {
        campaignId: campaign.id,
        imported: report.imported,
        rejected: report.rejected.length,
        by: c.get("session").subject,
      },
      "campaign created in the console",
    );
    return render(
      c,
      "New campaign",
      <ImportReportView campaignId={campaign.id} name={campaign.name} report={report} />,
    );
  });

  app.get("/campaigns/:id{[0-9]+}", async (c) => {
    const campaign = await campaignOf(c);
    const q = z
      .object({
        status: z.enum(notificationStatuses).optional().catch(undefined),
        cursor: z.coerce.number().int().positive().optional().catch(undefined),
      })
      .parse({ status: c.req.query("status") || undefined, cursor: c.req.query("cursor") || undefined });
    const rows = await ctx().notifications.list({
      campaignId: campaign.id,
      status: q.status ? [q.status as NotificationStatus] : undefined,
      before: q.cursor,
      limit: PAGE + 1,
    });
    const page = rows.slice(0, PAGE);
    const last = page[page.length - 1];
    const next =
      rows.length > PAGE && last
        ? `/console/campaigns/${campaign.id}?${new URLSearchParams({ ...(q.status ? { status: q.status } : {}), cursor: String(last.id) })}`
        : null;
    return render(
      c,
      campaign.name,
      <CampaignDetail
        campaign={campaign}
        progress={await campaignProgress(ctx(), campaign.id)}
        recipients={page}
        rejected={await ctx().rejectedRows.page(campaign.id, 0, REJECTED_SHOWN)}
        rejectedTotal={await ctx().rejectedRows.count(campaign.id)}
        status={q.status}
        next={next}
        csrf={c.get("csrf")}
      />,
      doneNotice(c),
    );
  });

  app.get("/campaigns/:id{[0-9]+}/results.csv", async (c) => {
    const campaign = await campaignOf(c);
    return c.body(await resultsCsv(ctx(), campaign), 200, {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="campaign-${campaign.id}-results.csv"`,
    });
  });

  app.post("/campaigns/:id/:action", async (c) => {
    const id = Number(c.req.param("id"));
    const action = c.req.param("action") as CampaignAction;
    if (!ACTIONS.has(action) || !Number.isSafeInteger(id) || id < 1)
      throw new ParleyError("not_found", "no such campaign action", { status: 404 });
    const changed = await services.notify.changeCampaign(id, action);
    services.logger.info({ campaignId: id, action, by: c.get("session").subject }, "campaign changed in the console");
    if (wantsJson(c)) return c.json({ id, status: changed.status });
    const form = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>);
    const back = form.back === `/console/campaigns/${id}` ? form.back : "/console/campaigns";
    return c.redirect(`${back}?done=${encodeURIComponent(`${action} ${id}`)}`, 303);
  });
  return app;
}
