import { z } from "zod";
import type { ApiDeps } from "../deps.js";
import { WebhooksRepo } from "../../store/repos/webhooks-repo.js";
import { withIsoTimes } from "../../lib/iso-time.js";
import {
  createEndpointSchema,
  updateEndpointSchema,
  WebhookEndpoints,
  type WebhookEndpoint,
} from "../../webhooks/index.js";
import { apiRouter, described, idParams, jsonRequest, ok, route } from "../openapi/route.js";
import { idPageQuery, pageSchema } from "../pagination.js";
import { idParam } from "../validate.js";
import {
  createdEndpointSchema,
  deliverySchema,
  deliveryStateSchema,
  endpointSchema,
  testResultSchema,
} from "./webhook-schemas.js";

const tags = ["webhooks"];
const refusedUrl = "Invalid fields, or a URL webhooks.allowHosts does not allow (destination_refused)";

const create = route({
  method: "post",
  path: "/",
  summary: "Create a webhook endpoint",
  description:
    "Events are signed with the endpoint's secret (Parley-Signature). Omit `secret` to have one generated; either way it is returned in this response only.",
  tags,
  request: { body: jsonRequest(createEndpointSchema) },
  responses: { 201: ok(createdEndpointSchema, "Created (the body holds the secret, once)") },
  errors: { 400: refusedUrl, 409: "The name is taken", 415: "Not JSON" },
});
const list = route({
  method: "get",
  path: "/",
  summary: "List webhook endpoints (secrets are never shown)",
  tags,
  responses: { 200: ok(z.object({ items: z.array(endpointSchema) })) },
});
const get = route({
  method: "get",
  path: "/{id}",
  summary: "Get a webhook endpoint",
  tags,
  request: { params: idParams },
  responses: { 200: ok(endpointSchema) },
  errors: { 404: "No such endpoint" },
});
const update = route({
  method: "patch",
  path: "/{id}",
  summary: "Change a webhook endpoint",
  description:
    "Any of name, url, events, enabled; `secret` replaces the signing secret (it is not returned). Deliveries already queued use the new values.",
  tags,
  request: { params: idParams, body: jsonRequest(updateEndpointSchema) },
  responses: { 200: ok(endpointSchema) },
  errors: { 400: refusedUrl, 404: "No such endpoint", 409: "The name is taken", 415: "Not JSON" },
});
const remove = route({
  method: "delete",
  path: "/{id}",
  summary: "Delete a webhook endpoint and its delivery log",
  description: "Deliveries still queued for it finish without sending.",
  tags,
  request: { params: idParams },
  responses: { 204: described("Deleted") },
  errors: { 404: "No such endpoint" },
});
const deliveries = route({
  method: "get",
  path: "/{id}/deliveries",
  summary: "The delivery log of an endpoint: every attempt, newest first",
  tags,
  request: { params: idParams, query: z.object(idPageQuery) },
  responses: { 200: ok(pageSchema(deliverySchema)) },
  errors: { 400: "Bad cursor or limit", 404: "No such endpoint" },
});
const test = route({
  method: "post",
  path: "/{id}/test",
  summary: "Send a webhook.test event to this endpoint only",
  description: "Queues a signed delivery like any other; watch its outcome in the delivery log.",
  tags,
  request: { params: idParams },
  responses: { 202: ok(testResultSchema, "Queued") },
  errors: { 404: "No such endpoint", 409: "The endpoint is disabled" },
});

const retry = route({
  method: "post",
  path: "/{id}/deliveries/{jobId}/retry",
  summary: "Send a failed or dead delivery again now, with its attempts reset",
  description: "`jobId` is the delivery's `jobId` in the delivery log. Its next attempts are logged like any other.",
  tags,
  request: { params: z.object({ id: z.string(), jobId: z.string().regex(/^\d{1,15}$/, "a job id") }) },
  responses: { 200: ok(deliveryStateSchema, "Queued again") },
  errors: { 404: "No such endpoint, or not a delivery to it", 409: "The delivery is queued, running or succeeded" },
});

/** An endpoint as the API shows it: ISO 8601 times, never the secret. */
const presentEndpoint = (e: WebhookEndpoint) => withIsoTimes(e, ["createdAt", "updatedAt"]);

/** /v1/webhooks: endpoint CRUD, the delivery log, and a test delivery. */
export function webhookRoutes(services: Pick<ApiDeps, "clock" | "sql" | "outbound" | "webhooks">) {
  const app = apiRouter();
  const endpoints = new WebhookEndpoints(new WebhooksRepo(services.sql), services.clock);

  app.openapi(create, async (c) => {
    const input = c.req.valid("json");
    services.outbound.webhooks.assertUrl(input.url);
    const { endpoint, secret } = await endpoints.create(input);
    return c.json({ ...presentEndpoint(endpoint), secret }, 201);
  });

  app.openapi(list, async (c) => c.json({ items: (await endpoints.list()).map(presentEndpoint) }, 200));

  app.openapi(get, async (c) => c.json(presentEndpoint(await endpoints.get(idParam(c))), 200));

  app.openapi(update, async (c) => {
    const id = idParam(c);
    const changes = c.req.valid("json");
    if (changes.url !== undefined) services.outbound.webhooks.assertUrl(changes.url);
    return c.json(presentEndpoint(await endpoints.update(id, changes)), 200);
  });

  app.openapi(remove, async (c) => {
    await endpoints.remove(idParam(c));
    return c.body(null, 204);
  });

  app.openapi(deliveries, async (c) => {
    const page = await endpoints.deliveries(idParam(c), c.req.valid("query"));
    const items = (await services.webhooks.deliveryStates(page.deliveries)).map((d) => ({
      ...withIsoTimes(d, ["createdAt"]),
      delivery: d.delivery && withIsoTimes(d.delivery, ["nextAttemptAt"]),
    }));
    return c.json({ items, nextCursor: page.nextCursor }, 200);
  });

  app.openapi(test, async (c) => {
    const endpoint = await endpoints.record(idParam(c));
    const { eventId, job } = await services.webhooks.sendTest(endpoint);
    return c.json({ eventId, jobId: job.id }, 202);
  });

  app.openapi(retry, async (c) => {
    const endpoint = await endpoints.get(idParam(c));
    const state = await services.webhooks.retryDelivery(endpoint.id, Number(c.req.param("jobId")));
    return c.json(withIsoTimes(state, ["nextAttemptAt"]), 200);
  });

  return app;
}
