import { Hono } from "hono";
import { ParleyError } from "../../../lib/errors.js";
import type { ApiDeps } from "../../deps.js";
import { templateWav } from "../../routes/templates.js";
import type { ConsoleEnv } from "../context.js";
import { documentHtml, Page } from "../views/layout.js";
import { TemplateList, VAR_PREFIX } from "./page.js";

const PAGE = 50;

/** Templates: their text and variables, and "render and listen" through the TTS cache. */
export function templateConsoleRoutes(services: Pick<ApiDeps, "config" | "notify">): Hono<ConsoleEnv> {
  const app = new Hono<ConsoleEnv>();
  const repo = () => services.notify.context().templates;

  app.get("/templates", async (c) => {
    const before = Number(c.req.query("before")) || undefined;
    const rows = await repo().list({ before, limit: PAGE + 1 });
    const page = rows.slice(0, PAGE);
    const more = rows.length > PAGE ? `/console/templates?before=${page[page.length - 1]?.id}` : null;
    return c.html(
      await documentHtml(
        <Page
          title="Templates"
          section="templates"
          session={c.get("session")}
          csrf={c.get("csrf")}
          scripts={["templates.js"]}
        >
          <TemplateList templates={page} more={more} />
        </Page>,
      ),
    );
  });

  /**
   * The message as audio, for the page's <audio> element: rendered piece by piece through the TTS cache (a piece
   * rendered before is read from it, not synthesised again); X-Cache-Hits and X-Cache-Misses say which.
   */
  app.get("/templates/:id/audio.wav", async (c) => {
    const t = await repo().get(Number(c.req.param("id")) || 0);
    if (!t) throw new ParleyError("not_found", `no template ${c.req.param("id").slice(0, 20)}`, { status: 404 });
    const variables: Record<string, string> = {};
    for (const [k, v] of Object.entries(c.req.queries())) {
      if (k.startsWith(VAR_PREFIX) && v[0] !== undefined) variables[k.slice(VAR_PREFIX.length)] = v[0].slice(0, 200);
    }
    const r = await templateWav(services, t.text, { variables }, c.req.raw.signal);
    return c.body(r.wav, 200, {
      "content-type": "audio/wav",
      "cache-control": "no-store",
      "x-cache-hits": String(r.hits),
      "x-cache-misses": String(r.misses),
    });
  });
  return app;
}
