import type { OpenAPIHono } from "@hono/zod-openapi";
import type { ApiDeps } from "../deps.js";
import { apiRouter } from "../openapi/route.js";
import { agentRoutes } from "./agents.js";
import { agentVersionRoutes } from "./agent-versions.js";
import { agentChatRoutes } from "./agent-chat.js";
import { callRoutes } from "./calls.js";
import { callbackRoutes } from "./callbacks.js";
import { campaignRoutes } from "./campaigns.js";
import { dncRoutes } from "./dnc.js";
import { searchRoutes } from "./search.js";
import { statsRoutes } from "./stats.js";
import { surveyRoutes } from "./surveys.js";
import { eventRoutes } from "./events.js";
import { jobRoutes } from "./jobs.js";
import { knowledgeRoutes } from "./knowledge.js";
import { notificationRoutes } from "./notifications.js";
import { templateRoutes } from "./templates.js";
import { voicemailRoutes } from "./voicemails.js";
import { webhookRoutes } from "./webhooks.js";

/** Every /v1 resource; each module declares its operations once (`openapi/route.ts`), for hono and the document. */
export function v1Routes(services: ApiDeps): OpenAPIHono {
  const v1 = apiRouter();
  v1.route("/voicemails", voicemailRoutes(services));
  v1.route("/agents", knowledgeRoutes(services)); // /agents/{name}/knowledge...
  v1.route("/agents", agentRoutes(services));
  v1.route("/agents", agentVersionRoutes(services)); // /agents/{name}/versions...
  v1.route("/agents", agentChatRoutes(services)); // /agents/{name}/chat
  v1.route("/calls", callRoutes(services));
  v1.route("/surveys", surveyRoutes(services));
  v1.route("/webhooks", webhookRoutes(services));
  v1.route("/jobs", jobRoutes(services));
  v1.route("/events", eventRoutes(services));
  v1.route("/notifications", notificationRoutes(services));
  v1.route("/templates", templateRoutes(services));
  v1.route("/campaigns", campaignRoutes(services));
  v1.route("/dnc", dncRoutes(services));
  v1.route("/search", searchRoutes(services));
  v1.route("/stats", statsRoutes(services));
  v1.route("/callbacks", callbackRoutes(services));
  return v1;
}
