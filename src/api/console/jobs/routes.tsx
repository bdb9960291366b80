import { Hono } from "hono";
import { KIND_PATTERN } from "../../../jobs/new-job.js";
import type { ApiDeps } from "../../deps.js";
import { safeNext } from "../auth/login-routes.js";
import { formField, wantsJson } from "../auth/guard.js";
import type { ConsoleEnv } from "../context.js";
import { documentHtml, Page } from "../views/layout.js";
import { JobList, QueueTable } from "./page.js";

const PAGE = 50;

/** Jobs: queue depth per kind, dead and failed jobs, and retry. */
export function jobRoutes(services: Pick<ApiDeps, "logger" | "queue">): Hono<ConsoleEnv> {
  const app = new Hono<ConsoleEnv>();
  const { queue } = services;

  app.get("/jobs", async (c) => {
    const kind = KIND_PATTERN.test(c.req.query("kind") ?? "") ? c.req.query("kind") : undefined;
    const deadCursor = Number(c.req.query("dead_before")) || undefined;
    const failedCursor = Number(c.req.query("failed_before")) || undefined;
    const [counts, dead, failed] = await Promise.all([
      queue.stats(),
      queue.list({
        status: "dead",
        ...(kind ? { kind } : {}),
        ...(deadCursor ? { cursor: deadCursor } : {}),
        limit: PAGE,
      }),
      queue.list({
        status: "failed",
        ...(kind ? { kind } : {}),
        ...(failedCursor ? { cursor: failedCursor } : {}),
        limit: PAGE,
      }),
    ]);
    const base = kind ? `/console/jobs?kind=${encodeURIComponent(kind)}&` : "/console/jobs?";
    const back = kind ? `/console/jobs?kind=${encodeURIComponent(kind)}` : "/console/jobs";
    const csrf = c.get("csrf");
    const notice = c.req.query("retried")
      ? { kind: "ok" as const, text: `Job #${c.req.query("retried")} is queued again.` }
      : null;
    const body = (
      <>
        {kind ? (
          <p>
            Showing kind <code>{kind}</code>. <a href="/console/jobs">All kinds</a>
          </p>
        ) : null}
        <QueueTable counts={counts} />
        <JobList
          title="Dead: gave up"
          id="dead-h"
          jobs={dead.jobs}
          csrf={csrf}
          back={back}
          more={dead.nextCursor ? `${base}dead_before=${dead.nextCursor}` : null}
        />
        <JobList
          title="Failed: waiting to retry"
          id="failed-h"
          jobs={failed.jobs}
          csrf={csrf}
          back={back}
          more={failed.nextCursor ? `${base}failed_before=${failed.nextCursor}` : null}
        />
      </>
    );
    return c.html(
      await documentHtml(
        <Page title="Jobs" section="jobs" session={c.get("session")} csrf={csrf} notice={notice}>
          {body}
        </Page>,
      ),
    );
  });

  app.post("/jobs/:id/retry", async (c) => {
    const id = Number(c.req.param("id"));
    const job = await queue.retry(Number.isSafeInteger(id) && id > 0 ? id : 0);
    services.logger.info(
      { jobId: job.id, kind: job.kind, by: c.get("session").subject },
      "job retried from the console",
    );
    if (wantsJson(c)) return c.json({ id: job.id, status: job.status });
    const next = safeNext(await formField(c, "next"));
    return c.redirect(`${next}${next.includes("?") ? "&" : "?"}retried=${job.id}`, 303);
  });
  return app;
}
