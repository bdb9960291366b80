import type { OpenAPIHono } from "@hono/zod-openapi";
import { z } from "zod";
import { ParleyError } from "../../lib/errors.js";
import { SearchRepo, toMatchQuery } from "../../store/repos/search-repo.js";
import type { ApiDeps } from "../deps.js";
import { apiRouter, ok, route } from "../openapi/route.js";
import { presentHit } from "../search/present.js";

const searchQuery = z.object({
  q: z.string().min(1, "q is required: the words to find").max(500),
  kind: z.enum(["voicemail", "call"]).optional().describe("look only in voicemails or only in calls (default both)"),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z
    .string()
    .regex(/^\d{1,6}$/, "pass the nextCursor value of the previous page")
    .transform(Number)
    .optional(),
});

const hit = z.object({
  kind: z.enum(["voicemail", "call"]),
  id: z.number().int(),
  url: z.string(),
  at: z.string(),
  caller: z.string().nullable(),
  urgency: z.number().int().nullable(),
  status: z.string().nullable(),
  rank: z.number(),
  snippet: z.string(),
  highlight: z.string().describe("the snippet as HTML: text escaped, each matched term in <mark>"),
});

const search = route({
  method: "get",
  path: "/",
  summary: "Full-text search over voicemail and call transcripts and summaries, best match first",
  description:
    'Words are all required (stemmed: "invoices" finds "invoice"); "quoted phrases", prefix*, and AND, OR, NOT in capitals work as in SQLite FTS5. Other punctuation is read as a space, as it is in the text. Pages with cursor (the nextCursor of the previous page). SQLite stores only: the search is not available with a PostgreSQL store.',
  tags: ["search"],
  request: { query: searchQuery },
  responses: { 200: ok(z.object({ items: z.array(hit), nextCursor: z.number().int().nullable() })) },
  errors: { 400: "No words to search for, or a query that cannot be read (an unclosed quote, a lone operator)" },
});

/** GET /v1/search: ranked hits with highlighted snippets (store/repos/search-repo.ts does the FTS5 work). */
export function searchRoutes(services: Pick<ApiDeps, "sql">): OpenAPIHono {
  const app = apiRouter();
  const repo = new SearchRepo(services.sql);
  app.openapi(search, async (c) => {
    const q = c.req.valid("query");
    const match = toMatchQuery(q.q);
    if (!match) throw new ParleyError("invalid_query", "q has no words to search for", { status: 400 });
    const offset = q.cursor ?? 0;
    const rows = await repo.search(match, { kind: q.kind, limit: q.limit + 1, offset });
    const items = rows.slice(0, q.limit).map(presentHit);
    return c.json({ items, nextCursor: rows.length > q.limit ? offset + q.limit : null });
  });
  return app;
}
