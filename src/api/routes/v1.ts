import { Hono } from "hono";
import type { ApiDeps } from "../deps.js";
import type { OpenApiRegistry } from "../openapi/registry.js";
import { agentRoutes } from "./agents.js";
import { callRoutes } from "./calls.js";
import { campaignRoutes } from "./campaigns.js";
import { dncRoutes } from "./dnc.js";
import { surveyRoutes } from "./surveys.js";
import { eventRoutes } from "./events.js";
import { jobRoutes } from "./jobs.js";
import { knowledgeRoutes } from "./knowledge.js";
import { notificationRoutes } from "./notifications.js";
import { templateRoutes } from "./templates.js";
import { voicemailRoutes } from "./voicemails.js";
import { webhookRoutes } from "./webhooks.js";

/** Every /v1 resource; each module describes its operations in the OpenAPI registry. */
export function v1Routes(services: ApiDeps, openapi: OpenApiRegistry): Hono {
  const v1 = new Hono();
  v1.route("/voicemails", voicemailRoutes(services, openapi));
  v1.route("/agents/:name/knowledge", knowledgeRoutes(services, openapi));
  v1.route("/agents", agentRoutes(services, openapi));
  v1.route("/calls", callRoutes(services, openapi));
  v1.route("/surveys", surveyRoutes(services, openapi));
  v1.route("/webhooks", webhookRoutes(services, openapi));
  v1.route("/jobs", jobRoutes(services, openapi));
  v1.route("/events", eventRoutes(services, openapi));
  v1.route("/notifications", notificationRoutes(services, openapi));
  v1.route("/templates", templateRoutes(services, openapi));
  v1.route("/campaigns", campaignRoutes(services, openapi));
  v1.route("/dnc", dncRoutes(services, openapi));
  return v1;
}
