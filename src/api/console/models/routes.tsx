import { Hono } from "hono";
import type { ApiDeps } from "../../deps.js";
import type { ConsoleEnv } from "../context.js";
import { documentHtml, Page } from "../views/layout.js";
import { doctorCache, modelsView } from "./data.js";
import { ModelsBody } from "./page.js";

/** Models: this server's engines, the catalog's profiles, installed models, and doctor results. */
export function modelRoutes(services: Pick<ApiDeps, "clock" | "config" | "engines">): Hono<ConsoleEnv> {
  const app = new Hono<ConsoleEnv>();
  const doctor = doctorCache(services.config);
  app.get("/models", async (c) => {
    const [view, checks] = await Promise.all([modelsView(services.config), doctor(services.clock.now(), c.req.query("doctor") === "fresh")]);
    const body = <ModelsBody engines={services.engines.status()} view={view} doctor={checks} />;
    return c.html(await documentHtml(<Page title="Models" section="models" session={c.get("session")} csrf={c.get("csrf")}>{body}</Page>));
  });
  return app;
}
