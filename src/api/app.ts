import { Hono } from "hono";
import type { Registry } from "prom-client";
import type { Logger } from "../lib/logger.js";
import { errorHandler, notFoundHandler } from "./errors.js";
import { httpMetrics } from "./middleware/http-metrics.js";
import { healthRoutes, type ReadinessSource } from "./routes/health.js";

export interface AppDeps {
  logger: Logger;
  registry: Registry;
  readiness: ReadinessSource;
}

/**
 * The HTTP surface of Parley. Tests call `app.request()` on it directly; the
 * server wraps it with @hono/node-server.
 */
export function createApp(deps: AppDeps): Hono {
  const app = new Hono();
  app.use("*", httpMetrics(deps.registry));
  app.route("/", healthRoutes(deps.readiness, deps.registry));
  app.onError(errorHandler(deps.logger));
  app.notFound(notFoundHandler);
  return app;
}
