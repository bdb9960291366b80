import { Hono } from "hono";
import { notificationStatuses, type NotificationStatus } from "../../../store/repos/notifications-repo.js";
import type { ApiDeps } from "../../deps.js";
import type { ConsoleEnv } from "../context.js";
import { documentHtml, Page } from "../views/layout.js";
import { NotificationFilters, NotificationTable, type NotificationFilter } from "./page.js";

const PAGE = 50;

/** Notifications: every outbound message with its outcome, filterable by status, campaign and recipient. */
export function notificationConsoleRoutes(services: Pick<ApiDeps, "notify">): Hono<ConsoleEnv> {
  const app = new Hono<ConsoleEnv>();

  app.get("/notifications", async (c) => {
    const ctx = services.notify.context();
    const status = (notificationStatuses as readonly string[]).includes(c.req.query("status") ?? "")
      ? (c.req.query("status") as NotificationStatus)
      : undefined;
    const campaignId = Number(c.req.query("campaign")) || undefined;
    const rawTo = c.req.query("to")?.trim().slice(0, 256) || undefined;
    // Recipients are stored normalised (E.164 or a SIP URI), as the do-not-call list keys them.
    const to = rawTo ? (ctx.dnc.key(rawTo) ?? rawTo) : undefined;
    const filter: NotificationFilter = { status, campaignId, to };
    const before = Number(c.req.query("before")) || undefined;
    const rows = await ctx.notifications.list({
      status: status ? [status] : undefined,
      campaignId,
      to,
      before,
      limit: PAGE + 1,
    });
    const page = rows.slice(0, PAGE);
    const params = new URLSearchParams();
    if (status) params.set("status", status);
    if (campaignId) params.set("campaign", String(campaignId));
    if (to) params.set("to", to);
    if (rows.length > PAGE) params.set("before", String(page[page.length - 1]?.id));
    return c.html(
      await documentHtml(
        <Page title="Notifications" section="notifications" session={c.get("session")} csrf={c.get("csrf")}>
          <NotificationFilters filter={filter} />
          <NotificationTable rows={page} more={rows.length > PAGE ? `/console/notifications?${params}` : null} />
        </Page>,
      ),
    );
  });
  return app;
}
