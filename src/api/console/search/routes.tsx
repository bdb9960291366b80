import { Hono } from "hono";
import { ParleyError } from "../../../lib/errors.js";
import { SearchRepo, toMatchQuery, type SearchHit, type SearchKind } from "../../../store/repos/search-repo.js";
import type { ApiDeps } from "../../deps.js";
import type { ConsoleEnv } from "../context.js";
import { documentHtml, Page } from "../views/layout.js";
import { SearchBody } from "./page.js";

const PAGE = 25;

/** /console/search: the results page of the search box (the same index and ranking as GET /v1/search). */
export function searchConsoleRoutes(services: Pick<ApiDeps, "sql">): Hono<ConsoleEnv> {
  const app = new Hono<ConsoleEnv>();
  const repo = new SearchRepo(services.sql);
  app.get("/search", async (c) => {
    const q = (c.req.query("q") ?? "").slice(0, 500).trim();
    const kindParam = c.req.query("kind");
    const kind: SearchKind | undefined = kindParam === "voicemail" || kindParam === "call" ? kindParam : undefined;
    const offsetParam = Number(c.req.query("offset") ?? 0);
    const offset = Number.isSafeInteger(offsetParam) && offsetParam > 0 && offsetParam < 1e6 ? offsetParam : 0;
    let hits: SearchHit[] = [];
    let error: string | null = null;
    let status: 200 | 400 = 200;
    if (q) {
      const match = toMatchQuery(q);
      try {
        if (!match) throw new ParleyError("invalid_query", `“${q}” has no words to search for.`, { status: 400 });
        hits = await repo.search(match, { kind, limit: PAGE + 1, offset });
      } catch (err) {
        if (!(err instanceof ParleyError) || err.status !== 400) throw err;
        ((error = err.message), (status = 400));
      }
    }
    const next =
      hits.length > PAGE
        ? `/console/search?${new URLSearchParams({ q, ...(kind ? { kind } : {}), offset: String(offset + PAGE) })}`
        : null;
    const body = <SearchBody q={q} kind={kind} hits={hits.slice(0, PAGE)} error={error} next={next} />;
    return c.html(
      await documentHtml(
        <Page title={q ? `Search: ${q}` : "Search"} section="search" session={c.get("session")} csrf={c.get("csrf")}>
          {body}
        </Page>,
      ),
      status,
    );
  });
  return app;
}
