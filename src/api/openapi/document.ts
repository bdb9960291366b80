import type { OpenAPIHono } from "@hono/zod-openapi";
import { z } from "zod";

const errorSchema = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.record(z.string(), z.unknown()).optional() }),
});

/**
 * The OpenAPI 3.1 document of everything `app` (and the routers mounted in it) declared with `route()`: the paths
 * and schemas come from the same declarations hono routes and validates with, so the two cannot drift.
 */
export function apiDocument(app: OpenAPIHono, version: string): Record<string, unknown> {
  const doc = app.getOpenAPI31Document({
    openapi: "3.1.0",
    info: {
      title: "Parley API",
      version,
      description: "Parley voice-agent server API. Every route except health, readiness and metrics needs an API key.",
    },
    servers: [{ url: "/" }],
    security: [{ apiKey: [] }],
  });
  const paths = Object.fromEntries(Object.entries(doc.paths ?? {}).sort(([a], [b]) => a.localeCompare(b)));
  return {
    ...doc,
    components: {
      ...doc.components,
      securitySchemes: {
        apiKey: {
          type: "http",
          scheme: "bearer",
          description: "A key from `parley keys create`, as `Authorization: Bearer pk_...`",
        },
      },
      schemas: { ...doc.components?.schemas, Error: z.toJSONSchema(errorSchema) },
    },
    paths,
  };
}
