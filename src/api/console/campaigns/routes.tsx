import { Hono } from "hono";
import type { CampaignAction } from "../../../notify/campaigns/campaigns.js";
import { campaignProgress } from "../../../notify/campaigns/progress.js";
import { ParleyError } from "../../../lib/errors.js";
import type { ApiDeps } from "../../deps.js";
import { wantsJson } from "../auth/guard.js";
import type { ConsoleEnv } from "../context.js";
import { documentHtml, Page } from "../views/layout.js";
import { CampaignsBody } from "./page.js";

const ACTIONS = new Set<CampaignAction>(["start", "pause", "resume", "cancel"]);

/** Campaigns: progress and outcomes, and start / pause / resume / cancel through the notify module's own rules. */
export function campaignRoutes(services: Pick<ApiDeps, "logger" | "notify">): Hono<ConsoleEnv> {
  const app = new Hono<ConsoleEnv>();

  app.get("/campaigns", async (c) => {
    const ctx = services.notify.context();
    const rows = ctx.campaigns
      .list({ limit: 100 })
      .map((campaign) => ({ campaign, progress: campaignProgress(ctx, campaign.id) }));
    const done = c.req.query("done");
    const notice =
      done && /^[a-z]+ \d+$/.test(done)
        ? { kind: "ok" as const, text: `Campaign ${done.split(" ")[1]}: ${done.split(" ")[0]} done.` }
        : null;
    const body = <CampaignsBody rows={rows} csrf={c.get("csrf")} />;
    return c.html(
      await documentHtml(
        <Page
          title="Campaigns"
          section="campaigns"
          session={c.get("session")}
          csrf={c.get("csrf")}
          scripts={["campaigns.js"]}
          notice={notice}
        >
          {body}
        </Page>,
      ),
    );
  });

  app.post("/campaigns/:id/:action", async (c) => {
    const id = Number(c.req.param("id"));
    const action = c.req.param("action") as CampaignAction;
    if (!ACTIONS.has(action) || !Number.isSafeInteger(id) || id < 1)
      throw new ParleyError("not_found", "no such campaign action", { status: 404 });
    const changed = await services.notify.changeCampaign(id, action);
    services.logger.info({ campaignId: id, action, by: c.get("session").subject }, "campaign changed in the console");
    if (wantsJson(c)) return c.json({ id, status: changed.status });
    return c.redirect(`/console/campaigns?done=${encodeURIComponent(`${action} ${id}`)}`, 303);
  });
  return app;
}
