import { OpenAPIHono } from "@hono/zod-openapi";
import type { BlankEnv } from "hono/types";
import type { Hono } from "hono";
import { z } from "zod";
import type { ApiDeps } from "./deps.js";
import { requireApiKey } from "./auth/middleware.js";
import { consoleRoutes } from "./console/index.js";
import { errorHandler, notFoundHandler } from "./errors.js";
import { bodyLimits } from "./middleware/body-limits.js";
import { httpMetrics } from "./middleware/http-metrics.js";
import { notifyMetrics } from "../notify/metrics.js";
import { apiDocument } from "./openapi/document.js";
import { apiRouter, ok, route } from "./openapi/route.js";
import { healthRoutes, type ReadinessSource } from "./routes/health.js";
import { v1Routes } from "./routes/v1.js";

export interface AppOptions {
  /** The feature facades and the shared pieces the routes read (each route file takes the part it uses). */
  deps: ApiDeps;
  readiness: ReadinessSource;
  version: string;
}

/**
 * The HTTP surface of Parley. Tests call `app.request()` on it directly; the
 * server wraps it with @hono/node-server.
 */
export function createApp(o: AppOptions): Hono {
  const services = o.deps;
  const app = new OpenAPIHono<BlankEnv>();
  app.use("*", httpMetrics(services.registry));
  // Registered up front (it is otherwise made on the first outbound attempt) so /metrics always lists it for dashboards.
  notifyMetrics(services.registry);
  app.route("/", healthRoutes(o.readiness, services.registry));
  const v1 = apiRouter();
  let document: Record<string, unknown> | undefined; // the routes are fixed once built: generated on first request
  v1.openapi(
    route({
      method: "get",
      path: "/openapi.json",
      summary: "This API's OpenAPI 3.1 document",
      tags: ["meta"],
      public: true,
      responses: { 200: ok(z.record(z.string(), z.unknown()), "The document") },
    }),
    (c) => c.json((document ??= apiDocument(app, o.version)), 200),
  );
  v1.use("*", requireApiKey(services.apiKeys, services.clock));
  // After the key check: nobody without a key makes the server read a body.
  v1.use(
    "*",
    bodyLimits({ uploadBytes: services.config.api.maxBodyBytes, jsonBytes: services.config.api.maxJsonBytes }),
  );
  v1.route("/", v1Routes(services));
  app.route("/v1", v1);
  // The operator console: its own sign-in (session cookie, CSRF), its own error pages.
  app.route("/console", consoleRoutes(services));
  app.onError(errorHandler(services.logger));
  app.notFound(notFoundHandler);
  return app;
}
