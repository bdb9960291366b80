import { Hono } from "hono";
import type { Registry } from "prom-client";

/** What /readyz reports: whether every engine is loaded, and the state of each. */
export interface ReadinessSource {
  ready(): boolean;
  details(): Record<string, unknown>;
}

/** Liveness, readiness and Prometheus metrics; none of them needs an API key. */
export function healthRoutes(readiness: ReadinessSource, registry: Registry): Hono {
  const app = new Hono();
  app.get("/healthz", (c) => c.json({ status: "ok" }));
  app.get("/readyz", (c) => {
    const ready = readiness.ready();
    return c.json({ status: ready ? "ready" : "not_ready", ...readiness.details() }, ready ? 200 : 503);
  });
  app.get("/metrics", async (c) => {
    const body = await registry.metrics();
    return c.body(body, 200, { "content-type": registry.contentType });
  });
  return app;
}
