import type { OpenAPIHono } from "@hono/zod-openapi";
import type { ApiDeps } from "../deps.js";
import { apiRouter, described, route } from "../openapi/route.js";
import type { Bucket } from "../stats/buckets.js";
import { collectStats, type Stats } from "../stats/collect.js";

const iso = (ms: number) => new Date(ms).toISOString();
const presentBucket = (b: Bucket) => ({ ...b, start: iso(b.start) });

/** The stats as the API shows them: ISO times, everything else as collected. */
export function presentStats(s: Stats) {
  return {
    ...s,
    generatedAt: iso(s.generatedAt),
    today: { ...s.today, since: iso(s.today.since) },
    series: { hourly: s.series.hourly.map(presentBucket), daily: s.series.daily.map(presentBucket) },
  };
}

const stats = route({
  method: "get",
  path: "/",
  summary: "The home dashboard's numbers: today by urgency, escalations, jobs, campaigns, plots and health",
  description:
    "`today` counts voicemails and calls since midnight (server time zone) by urgency; `series.hourly` covers the last 24 hours and `series.daily` the last 14 days, each bucket with calls, voicemails and the turns' reply latency p50/p95 (ms from the caller's last word to the first reply packet). `health` lists the engines, the data dir's free disk and the SIP trunk registration (null when none is configured).",
  tags: ["stats"],
  responses: { 200: described("The numbers, at generatedAt") },
});

/** GET /v1/stats: what the console's home page shows, for scripts. */
export function statsRoutes(
  services: Pick<ApiDeps, "db" | "sql" | "queue" | "engines" | "registry" | "config" | "clock" | "notify">,
): OpenAPIHono {
  const app = apiRouter();
  app.openapi(stats, async (c) => c.json(presentStats(await collectStats(services))));
  return app;
}
