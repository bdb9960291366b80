import { Hono } from "hono";
import { z } from "zod";
import type { ApiDeps } from "../deps.js";
import { WebhooksRepo } from "../../store/repos/webhooks-repo.js";
import { withIsoTimes } from "../../lib/iso-time.js";
import {
  createEndpointSchema,
  sendTestEvent,
  updateEndpointSchema,
  WebhookEndpoints,
  type WebhookEndpoint,
} from "../../webhooks/index.js";
import type { OpenApiRegistry } from "../openapi/registry.js";
import { idPageQuery, pageSchema } from "../pagination.js";
import { idParam, jsonBody, parseWith } from "../validate.js";
import { createdEndpointSchema, deliverySchema, endpointSchema, testResultSchema } from "./webhook-schemas.js";

const tags = ["webhooks"];
const deliveriesQuery = z.object(idPageQuery);

/** An endpoint as the API shows it: ISO 8601 times, never the secret. */
const presentEndpoint = (e: WebhookEndpoint) => withIsoTimes(e, ["createdAt", "updatedAt"]);

/** /v1/webhooks: endpoint CRUD, the delivery log, and a test delivery. */
export function webhookRoutes(services: ApiDeps, openapi: OpenApiRegistry): Hono {
  const app = new Hono();
  const endpoints = new WebhookEndpoints(WebhooksRepo.for(services.db), services.clock);

  openapi.add("post", "/v1/webhooks", {
    summary: "Create a webhook endpoint",
    description:
      "Events are signed with the endpoint's secret (Parley-Signature). Omit `secret` to have one generated; either way it is returned in this response only.",
    tags,
    body: createEndpointSchema,
    response: createdEndpointSchema,
    status: 201,
    responses: {
      201: "Created (the body holds the secret, once)",
      400: "Invalid fields, or a URL webhooks.allowHosts does not allow (destination_refused)",
      409: "The name is taken",
      415: "Not JSON",
    },
  });
  app.post("/", async (c) => {
    const input = parseWith(createEndpointSchema, await jsonBody(c), "body");
    services.outbound.webhooks.assertUrl(input.url);
    const { endpoint, secret } = endpoints.create(input);
    return c.json({ ...presentEndpoint(endpoint), secret }, 201);
  });

  openapi.add("get", "/v1/webhooks", {
    summary: "List webhook endpoints (secrets are never shown)",
    tags,
    response: z.object({ items: z.array(endpointSchema) }),
  });
  app.get("/", (c) => c.json({ items: endpoints.list().map(presentEndpoint) }));

  openapi.add("get", "/v1/webhooks/{id}", {
    summary: "Get a webhook endpoint",
    tags,
    response: endpointSchema,
    responses: { 404: "No such endpoint" },
  });
  app.get("/:id", (c) => c.json(presentEndpoint(endpoints.get(idParam(c)))));

  openapi.add("patch", "/v1/webhooks/{id}", {
    summary: "Change a webhook endpoint",
    description:
      "Any of name, url, events, enabled; `secret` replaces the signing secret (it is not returned). Deliveries already queued use the new values.",
    tags,
    body: updateEndpointSchema,
    response: endpointSchema,
    responses: {
      400: "Invalid fields, or a URL webhooks.allowHosts does not allow (destination_refused)",
      404: "No such endpoint",
      409: "The name is taken",
      415: "Not JSON",
    },
  });
  app.patch("/:id", async (c) => {
    const id = idParam(c);
    const changes = parseWith(updateEndpointSchema, await jsonBody(c), "body");
    if (changes.url !== undefined) services.outbound.webhooks.assertUrl(changes.url);
    return c.json(presentEndpoint(endpoints.update(id, changes)));
  });

  openapi.add("delete", "/v1/webhooks/{id}", {
    summary: "Delete a webhook endpoint and its delivery log",
    description: "Deliveries still queued for it finish without sending.",
    tags,
    status: 204,
    responses: { 204: "Deleted", 404: "No such endpoint" },
  });
  app.delete("/:id", (c) => {
    endpoints.remove(idParam(c));
    return c.body(null, 204);
  });

  openapi.add("get", "/v1/webhooks/{id}/deliveries", {
    summary: "The delivery log of an endpoint: every attempt, newest first",
    tags,
    query: deliveriesQuery,
    response: pageSchema(deliverySchema),
    responses: { 400: "Bad cursor or limit", 404: "No such endpoint" },
  });
  app.get("/:id/deliveries", (c) => {
    const id = idParam(c);
    const q = parseWith(deliveriesQuery, c.req.query(), "query");
    const page = endpoints.deliveries(id, q);
    return c.json({ items: page.deliveries.map((d) => withIsoTimes(d, ["createdAt"])), nextCursor: page.nextCursor });
  });

  openapi.add("post", "/v1/webhooks/{id}/test", {
    summary: "Send a webhook.test event to this endpoint only",
    description: "Queues a signed delivery like any other; watch its outcome in the delivery log.",
    tags,
    response: testResultSchema,
    status: 202,
    responses: { 202: "Queued", 404: "No such endpoint", 409: "The endpoint is disabled" },
  });
  app.post("/:id/test", async (c) => {
    const endpoint = endpoints.record(idParam(c));
    const { eventId, job } = await sendTestEvent(services, endpoint);
    return c.json({ eventId, jobId: job.id }, 202);
  });

  return app;
}
