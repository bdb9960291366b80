import { OpenAPIHono, createRoute, type RouteConfig } from "@hono/zod-openapi";
import type { MiddlewareHandler } from "hono";
import { z } from "zod";
import { jsonBody, rejectInvalid } from "../validate.js";

/**
 * One declaration per route. A route module declares each operation with `route({...})` (method, path, the zod
 * schemas of its params, query, body and responses, and what the document says), then registers its handler with
 * `app.openapi(declared, handler)`: @hono/zod-openapi mounts the handler, validates the request with those schemas
 * (a failure is our 400, from `rejectInvalid`), and the OpenAPI document (`openapi/document.ts`) is generated from
 * the same declarations. There is no second list of paths.
 */
export function apiRouter(): OpenAPIHono {
  return new OpenAPIHono({ defaultHook: rejectInvalid() });
}

type Declared = RouteConfig & {
  /** Error statuses this operation answers, with what each means; all share the Error body. */
  errors?: Record<number, string>;
  /** Needs no API key (only the document itself). */
  public?: boolean;
};

/**
 * A route declaration with our conventions: a JSON body is checked by our own rules first (415 with what to send,
 * 400 invalid_json), each listed error status carries the Error schema, and every keyed route documents its 401.
 */
export function route<const R extends Declared>(d: R) {
  const { errors: described = {}, public: isPublic, ...config } = d;
  const responses: RouteConfig["responses"] = { ...config.responses };
  for (const [status, description] of Object.entries(described)) responses[status] = errorResponse(description);
  if (!isPublic) responses["401"] ??= errorResponse("Missing or unknown API key");
  const json = config.request?.body?.content["application/json"];
  const middleware: MiddlewareHandler[] =
    json && "schema" in json && json.schema instanceof z.ZodType ? [requireJson] : [];
  return createRoute({
    ...config,
    ...(isPublic ? { security: [] } : {}),
    ...(middleware.length ? { middleware } : {}),
    responses: responses as R["responses"],
  });
}

/** Our JSON rules before the library's (which would answer a plain 415 or "Malformed JSON"): the same errors as ever. */
const requireJson: MiddlewareHandler = async (c, next) => {
  await jsonBody(c); // hono caches the parsed body: the validator reads it again for free
  await next();
};

function errorResponse(description: string) {
  return { description, content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } } };
}

/**
 * A JSON success response. Its schema is documented, not enforced on what the handler returns (presenters type
 * times loosely, e.g. `string | null` for a time that is always set), so the handler may return any JSON.
 */
export const ok = (schema: z.ZodType, description = "OK") => ({
  description,
  content: { "application/json": { schema } },
});

/** A success response described in words only (its body has no schema yet). */
export const described = (description = "OK") => ({ description });

/** A success response that is not JSON (audio, CSV, an event stream). */
export const binary = (mediaType: string, description = "OK") => ({
  description,
  content: { [mediaType]: { schema: { type: "string" as const, format: "binary" } } },
});

/** A JSON request body the library validates (after `requireJson`). */
export const jsonRequest = <S extends z.ZodType>(schema: S) => ({
  required: true,
  content: { "application/json": { schema } },
});

/**
 * A schema shown in the document but not checked by the library, for a body the handler reads itself (an upload, a
 * YAML agent, a body merged with a header first).
 */
export const documented = (schema: z.ZodType) =>
  z.toJSONSchema(schema, { unrepresentable: "any", io: "input" }) as Record<string, unknown>;

/** `{id}` in the path: any string here; the handler's `idParam` answers 404 for one that cannot exist. */
export const idParams = z.object({ id: z.string().describe("a positive integer id") });
