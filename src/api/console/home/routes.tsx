import { Hono } from "hono";
import type { ApiDeps } from "../../deps.js";
import { collectStats, type StatsDeps } from "../../stats/collect.js";
import type { ConsoleEnv } from "../context.js";
import { documentHtml, Page } from "../views/layout.js";
import { DashboardPanel, HomeBody } from "./page.js";

/** The console's home (/console): the dashboard, and its live panel as a fragment that home.js swaps in. */
export function homeRoutes(services: Pick<ApiDeps, keyof StatsDeps>): Hono<ConsoleEnv> {
  const app = new Hono<ConsoleEnv>();
  app.get("/", async (c) => {
    const s = await collectStats(services);
    return c.html(
      await documentHtml(
        <Page title="Home" section="home" session={c.get("session")} csrf={c.get("csrf")} scripts={["home.js"]}>
          <HomeBody s={s} />
        </Page>,
      ),
    );
  });
  app.get("/home/panel", async (c) => c.html(String(await (<DashboardPanel s={await collectStats(services)} />))));
  return app;
}
