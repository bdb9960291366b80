import type { Context } from "hono";
import { streamSSE } from "hono/streaming";
import { z } from "zod";
import { domainEventTypes } from "../../events/types.js";
import { describeError, ParleyError } from "../../lib/errors.js";
import type { ApiDeps } from "../deps.js";
import { apiRouter, binary, route } from "../openapi/route.js";
import { streamEvents } from "../sse/event-stream.js";

export interface EventRouteOptions {
  heartbeatMs?: number;
  pollMs?: number;
}

const eventId = z
  .string()
  .regex(/^\d{1,15}$/, "an event id (digits)")
  .transform(Number);
const types = z.string().transform((s, ctx) => {
  const list = s
    .split(",")
    .map((t) => t.trim())
    .filter(Boolean);
  const unknown = list.filter((t) => !(domainEventTypes as readonly string[]).includes(t));
  if (unknown.length)
    ctx.addIssue({
      code: "custom",
      message: `unknown event type ${unknown.join(", ")}; known: ${domainEventTypes.join(", ")}`,
    });
  return list;
});
const query = z.object({
  since: eventId
    .optional()
    .describe("replay stored events after this id, then go live (the Last-Event-ID header wins when both are sent)"),
  types: types.optional().describe("comma-separated event types to receive; all when absent"),
  api_key: z.string().optional().describe("the API key, for EventSource clients that cannot send headers"),
});

const stream = route({
  method: "get",
  path: "/",
  summary: "Stream domain events (Server-Sent Events)",
  description:
    "Each message has `id:` (the event id), `event:` (its type) and `data:` (JSON `{id, type, createdAt, data}`). Without `since` or Last-Event-ID the stream starts with the next event; with one it first replays the stored events after that id. A comment line is sent every 15 s.",
  tags: ["events"],
  request: { query },
  responses: { 200: binary("text/event-stream", "The event stream") },
  errors: { 400: "Bad since, Last-Event-ID or types" },
});

/** /v1/events: the live stream of domain events (Server-Sent Events), resumable by event id. */
export function eventRoutes(services: Pick<ApiDeps, "bus" | "logger">, o: EventRouteOptions = {}) {
  const app = apiRouter();
  app.openapi(stream, async (c) => {
    const q = c.req.valid("query");
    const after = resumeFrom(c) ?? q.since ?? (await services.bus.latestId());
    const only = q.types?.length ? new Set(q.types) : null;
    c.header("X-Accel-Buffering", "no"); // nginx would otherwise buffer the stream
    return streamSSE(
      c,
      (stream) =>
        streamEvents(stream, {
          bus: services.bus,
          after,
          types: only,
          heartbeatMs: o.heartbeatMs ?? 15_000,
          pollMs: o.pollMs ?? 1000,
        }),
      async (err) => services.logger.error({ err: describeError(err) }, "event stream failed"),
    );
  });
  return app;
}

/** A reconnecting EventSource sends the last id it saw; it beats `?since`, which still holds the first connection's value. */
function resumeFrom(c: Context): number | undefined {
  const header = c.req.header("last-event-id");
  if (header === undefined || header.trim() === "") return undefined;
  const r = eventId.safeParse(header.trim());
  if (!r.success)
    throw new ParleyError("invalid_request", "invalid Last-Event-ID header: expected an event id (digits)", {
      status: 400,
    });
  return r.data;
}
