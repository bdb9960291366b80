import { z } from "zod";

/**
 * The OpenAPI document is assembled from the routes themselves: each route
 * module describes its operations (with the same zod schemas it validates
 * with), so the document cannot drift from what the server accepts.
 */
export interface OperationDoc {
  summary: string;
  tags: string[];
  description?: string;
  /** Path parameters are read from the path ({id}). */
  query?: z.ZodObject;
  body?: z.ZodType;
  /** Request media types other than JSON (uploads). */
  bodyMediaTypes?: Record<string, { description: string }>;
  response?: z.ZodType;
  /** The success status `response` is sent with (default 200): 201 for creations, 202 for queued work, 204 for no body. */
  status?: number;
  /** Extra status codes with a description; errors share the Error schema. */
  responses?: Record<number, string>;
  /** Routes that need no API key. */
  public?: boolean;
  /** A response that is not JSON (audio, SSE). */
  responseMediaType?: string;
}

type Method = "get" | "post" | "put" | "patch" | "delete";

export class OpenApiRegistry {
  private readonly paths = new Map<string, Partial<Record<Method, OperationDoc>>>();

  add(method: Method, path: string, doc: OperationDoc): void {
    const ops = this.paths.get(path) ?? {};
    ops[method] = doc;
    this.paths.set(path, ops);
  }

  document(info: { title: string; version: string }): Record<string, unknown> {
    const paths: Record<string, unknown> = {};
    for (const [path, ops] of [...this.paths].sort(([a], [b]) => a.localeCompare(b))) {
      paths[path] = Object.fromEntries(Object.entries(ops).map(([m, d]) => [m, operation(path, d)]));
    }
    return {
      openapi: "3.1.0",
      info: {
        ...info,
        description:
          "Parley voice-agent server API. Every route except health, readiness and metrics needs an API key.",
      },
      servers: [{ url: "/" }],
      security: [{ apiKey: [] }],
      components: {
        securitySchemes: {
          apiKey: {
            type: "http",
            scheme: "bearer",
            description: "A key from `parley keys create`, as `Authorization: Bearer pk_...`",
          },
        },
        schemas: { Error: jsonSchema(errorSchema) },
      },
      paths,
    };
  }
}

const errorSchema = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.record(z.string(), z.unknown()).optional() }),
});

function jsonSchema(schema: z.ZodType): unknown {
  return z.toJSONSchema(schema, { unrepresentable: "any", io: "input" });
}

function operation(path: string, d: OperationDoc): Record<string, unknown> {
  const parameters: unknown[] = [...path.matchAll(/\{(\w+)\}/g)].map((m) => ({
    name: m[1],
    in: "path",
    required: true,
    schema: { type: "string" },
  }));
  if (d.query) {
    for (const [name, schema] of Object.entries(d.query.shape)) {
      parameters.push({
        name,
        in: "query",
        required: !(schema as z.ZodType).safeParse(undefined).success,
        schema: jsonSchema(schema as z.ZodType),
      });
    }
  }
  const content: Record<string, unknown> = {};
  if (d.body) content["application/json"] = { schema: jsonSchema(d.body) };
  for (const [type, { description }] of Object.entries(d.bodyMediaTypes ?? {}))
    content[type] = { schema: { type: "string", format: "binary", description } };
  const okStatus = String(d.status ?? 200);
  const okContent = d.responseMediaType
    ? { content: { [d.responseMediaType]: {} } }
    : d.response && okStatus !== "204"
      ? { content: { "application/json": { schema: jsonSchema(d.response) } } }
      : {};
  const responses: Record<string, unknown> = {
    [okStatus]: { description: d.responses?.[Number(okStatus)] ?? "OK", ...okContent },
  };
  for (const [status, description] of Object.entries(d.responses ?? {})) {
    if (status === okStatus) continue;
    // Only 4xx and 5xx carry the Error body; another success status is described without one.
    responses[status] =
      Number(status) >= 400
        ? { description, content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } } }
        : { description };
  }
  if (!d.public)
    responses["401"] ??= {
      description: "Missing or unknown API key",
      content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
    };
  return {
    summary: d.summary,
    tags: d.tags,
    ...(d.description ? { description: d.description } : {}),
    ...(d.public ? { security: [] } : {}),
    ...(parameters.length ? { parameters } : {}),
    ...(Object.keys(content).length ? { requestBody: { required: true, content } } : {}),
    responses,
  };
}
