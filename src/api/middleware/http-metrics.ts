import type { MiddlewareHandler } from "hono";
import { routePath } from "hono/route";
import { Histogram, type Registry } from "prom-client";

/** Request count and latency per route pattern (not per raw path, which would explode label cardinality). */
export function httpMetrics(registry: Registry): MiddlewareHandler {
  const duration = new Histogram({
    name: "parley_http_request_duration_seconds",
    help: "HTTP request latency by route and status",
    labelNames: ["method", "route", "status"],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  return async (c, next) => {
    const started = performance.now();
    await next();
    const route = routePath(c) || "unmatched";
    duration.observe(
      { method: c.req.method, route, status: String(c.res.status) },
      (performance.now() - started) / 1000,
    );
  };
}
