import { Hono } from "hono";
import { ParleyError } from "../../../lib/errors.js";
import { WebhooksRepo } from "../../../store/repos/webhooks-repo.js";
import { WebhookEndpoints } from "../../../webhooks/index.js";
import type { ApiDeps } from "../../deps.js";
import type { ConsoleEnv } from "../context.js";
import { documentHtml, Page } from "../views/layout.js";
import { EndpointDetail, EndpointList } from "./page.js";

const PAGE = 50;
const positive = (s: string | undefined) => {
  const n = Number(s);
  if (!Number.isSafeInteger(n) || n < 1) throw new ParleyError("not_found", "no such webhook page", { status: 404 });
  return n;
};

/** Webhooks: endpoints, each one's delivery log with its retries, Retry for a failed delivery, and Send a test. */
export function webhookConsoleRoutes(
  services: Pick<ApiDeps, "clock" | "sql" | "logger" | "webhooks">,
): Hono<ConsoleEnv> {
  const app = new Hono<ConsoleEnv>();
  const endpoints = new WebhookEndpoints(new WebhooksRepo(services.sql), services.clock);
  const notice = (done: string | undefined) => (done ? { kind: "ok" as const, text: done.slice(0, 200) } : null);

  app.get("/webhooks", async (c) =>
    c.html(
      await documentHtml(
        <Page
          title="Webhooks"
          section="webhooks"
          session={c.get("session")}
          csrf={c.get("csrf")}
          notice={notice(c.req.query("done"))}
        >
          <EndpointList endpoints={await endpoints.list()} csrf={c.get("csrf")} />
        </Page>,
      ),
    ),
  );

  app.get("/webhooks/:id", async (c) => {
    const id = positive(c.req.param("id"));
    const endpoint = await endpoints.get(id);
    const cursor = Number(c.req.query("before")) || undefined;
    const page = await endpoints.deliveries(id, { cursor, limit: PAGE });
    const attempts = await services.webhooks.deliveryStates(page.deliveries);
    return c.html(
      await documentHtml(
        <Page
          title={`Webhook ${endpoint.name}`}
          section="webhooks"
          session={c.get("session")}
          csrf={c.get("csrf")}
          notice={notice(c.req.query("done"))}
        >
          <EndpointDetail
            endpoint={endpoint}
            attempts={attempts}
            csrf={c.get("csrf")}
            more={page.nextCursor ? `/console/webhooks/${id}?before=${page.nextCursor}` : null}
          />
        </Page>,
      ),
    );
  });

  app.post("/webhooks/:id/test", async (c) => {
    const endpoint = await endpoints.record(positive(c.req.param("id")));
    const { eventId } = await services.webhooks.sendTest(endpoint);
    services.logger.info(
      { endpointId: endpoint.id, by: c.get("session").subject },
      "webhook test sent from the console",
    );
    const done = `A webhook.test event (#${eventId}) is queued for ${endpoint.name}; its attempt appears below.`;
    return c.redirect(`/console/webhooks/${endpoint.id}?done=${encodeURIComponent(done)}`, 303);
  });

  app.post("/webhooks/:id/deliveries/:jobId/retry", async (c) => {
    const id = positive(c.req.param("id"));
    const state = await services.webhooks.retryDelivery(id, positive(c.req.param("jobId")));
    services.logger.info({ endpointId: id, jobId: state.jobId, by: c.get("session").subject }, "webhook retried");
    const done = `Delivery ${state.jobId} is queued again.`;
    return c.redirect(`/console/webhooks/${id}?done=${encodeURIComponent(done)}`, 303);
  });
  return app;
}
