import { Hono } from "hono";
import { streamSSE } from "hono/streaming";
import { describeError } from "../../../lib/errors.js";
import type { ApiDeps } from "../../deps.js";
import { streamEvents } from "../../sse/event-stream.js";
import type { ConsoleEnv } from "../context.js";
import type { ConsoleMetrics } from "../metrics.js";

/** What console pages react to; the rest of the event stream stays on /v1/events. */
const LIVE_TYPES = new Set([
  "voicemail.received",
  "voicemail.processed",
  "voicemail.updated",
  "voicemail.deleted",
  "voicemail.urgent",
  "job.dead",
  "campaign.progress",
  "campaign.finished",
]);

/**
 * GET /console/events: the domain events console pages need, over SSE with
 * the session cookie (EventSource cannot send an API key header). Starts with
 * the next event; a reconnecting EventSource resumes after the last id it saw.
 */
export function liveRoutes(
  services: Pick<ApiDeps, "bus" | "logger">,
  metrics: ConsoleMetrics,
  o: { heartbeatMs?: number; pollMs?: number } = {},
): Hono<ConsoleEnv> {
  const app = new Hono<ConsoleEnv>();
  app.get("/events", async (c) => {
    const last = c.req.header("last-event-id")?.trim();
    const after = last && /^\d{1,15}$/.test(last) ? Number(last) : await services.bus.latestId();
    c.header("X-Accel-Buffering", "no");
    return streamSSE(
      c,
      async (stream) => {
        metrics.liveClients.inc();
        try {
          await streamEvents(stream, {
            bus: services.bus,
            after,
            types: LIVE_TYPES,
            heartbeatMs: o.heartbeatMs ?? 15_000,
            pollMs: o.pollMs ?? 1000,
          });
        } finally {
          metrics.liveClients.dec();
        }
      },
      async (err) => services.logger.error({ err: describeError(err) }, "console event stream failed"),
    );
  });
  return app;
}
