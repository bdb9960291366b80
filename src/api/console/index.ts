import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { ApiDeps } from "../deps.js";
import { agentRoutes } from "./agents/routes.js";
import { assetRoutes } from "./assets.js";
import { requireSession } from "./auth/guard.js";
import { loginRoutes } from "./auth/login-routes.js";
import { callRoutes } from "./calls/routes.js";
import { callbackConsoleRoutes } from "./callbacks/routes.js";
import { campaignRoutes } from "./campaigns/routes.js";
import { consoleDeps, type ConsoleEnv } from "./context.js";
import { consoleErrorHandler, errorPage } from "./errors.js";
import { inboxRoutes } from "./inbox/routes.js";
import { jobRoutes } from "./jobs/routes.js";
import { knowledgeConsoleRoutes } from "./knowledge/routes.js";
import { liveRoutes } from "./live/routes.js";
import { consoleMetrics } from "./metrics.js";
import { modelRoutes } from "./models/routes.js";
import { securityHeaders } from "./security-headers.js";
import { searchConsoleRoutes } from "./search/routes.js";
import { homeRoutes } from "./home/routes.js";
import { complianceRoutes } from "./compliance/routes.js";
import { notificationConsoleRoutes } from "./notifications/routes.js";
import { templateConsoleRoutes } from "./templates/routes.js";
import { webhookConsoleRoutes } from "./webhooks/routes.js";

/** Enough for a pasted agent definition; console forms carry nothing larger. */
const MAX_BODY = 256 * 1024;

/**
 * The operator console, mounted at /console: server-rendered pages (hono/jsx)
 * with small scripts, signed in with an operator account or an API key.
 * Reads go through the same repositories and queue as /v1; writes reuse the
 * same domain functions (and events), so the API and the console never differ.
 *
 * @example
 * app.route("/console", consoleRoutes(services));
 */
export function consoleRoutes(services: ApiDeps): Hono<ConsoleEnv> {
  const deps = consoleDeps(services);
  const metrics = consoleMetrics(services.registry, services.sql);
  const app = new Hono<ConsoleEnv>();
  app.use("*", securityHeaders());
  const formLimit = bodyLimit({ maxSize: MAX_BODY, onError: (c) => errorPage(c, 413, "The form is too large.") });
  // A document upload may be as large as the knowledge base takes one (knowledge.limits.maxBytes), plus the form.
  const documentLimit = bodyLimit({
    maxSize: services.config.knowledge.limits.maxBytes + 64 * 1024,
    onError: (c) =>
      errorPage(
        c,
        413,
        `The document is over ${services.config.knowledge.limits.maxBytes} bytes (knowledge.limits.maxBytes).`,
      ),
  });
  app.use("*", (c, next) =>
    c.req.method === "POST" && /^\/console\/agents\/[^/]+\/knowledge\/?$/.test(c.req.path)
      ? documentLimit(c, next)
      : formLimit(c, next),
  );
  app.route("/assets", assetRoutes());
  app.route("/", loginRoutes(deps, metrics));

  const pages = new Hono<ConsoleEnv>();
  pages.use("*", requireSession(deps));
  pages.route("/", inboxRoutes(services));
  pages.route("/", callRoutes(services));
  pages.route("/", campaignRoutes(services));
  pages.route("/", jobRoutes(services));
  pages.route("/", modelRoutes(services));
  pages.route("/", knowledgeConsoleRoutes(services));
  pages.route("/", agentRoutes(services));
  pages.route("/", liveRoutes(services, metrics));
  pages.route("/", searchConsoleRoutes(services));
  pages.route("/", homeRoutes(services));
  pages.route("/", callbackConsoleRoutes(services));
  pages.route("/", complianceRoutes(services));
  pages.route("/", webhookConsoleRoutes(services));
  pages.route("/", templateConsoleRoutes(services));
  pages.route("/", notificationConsoleRoutes(services));
  pages.all("*", (c) => errorPage(c, 404, `There is no console page at ${c.req.path}.`));
  app.route("/", pages);
  app.onError(consoleErrorHandler(services.logger));
  return app;
}
