import type { Hook } from "@hono/zod-openapi";
import type { Context, Env } from "hono";
import { parseDocument } from "yaml";
import type { z } from "zod";
import { ParleyError } from "../lib/errors.js";

/** Parses a request part with a zod schema; a failure is a 400 naming each field and reason. */
export function parseWith<S extends z.ZodType>(schema: S, value: unknown, what: string): z.infer<S> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  throw invalidRequest(r.error, what);
}

function invalidRequest(error: z.ZodError, what: string): ParleyError {
  const text = error.issues.map((i) => `${i.path.join(".") || what}: ${i.message}`).join("; ");
  return new ParleyError("invalid_request", `invalid ${what}: ${text}`, {
    status: 400,
    details: { issues: error.issues.map((i) => ({ path: i.path.join("."), message: i.message })) },
  });
}

const PART_NAMES: Record<string, string> = { json: "body", param: "path", form: "fields" };

/**
 * What a route does when @hono/zod-openapi's validation of a request part fails: our 400 (the same body as
 * `parseWith`), never the library's default. `what` overrides the part's name in the message.
 */
export function rejectInvalid(what?: string): Hook<unknown, Env, string, undefined> {
  return (result) => {
    if (!result.success) throw invalidRequest(result.error, what ?? PART_NAMES[result.target] ?? result.target);
    return undefined;
  };
}

/** The JSON body, or a 400 when it is not JSON (never a 500). */
export async function jsonBody(c: Context): Promise<unknown> {
  const type = c.req.header("content-type") ?? "";
  if (!type.toLowerCase().includes("application/json"))
    throw new ParleyError("unsupported_media_type", "send a JSON body with Content-Type: application/json", {
      status: 415,
    });
  try {
    return (await c.req.json()) as unknown;
  } catch {
    throw new ParleyError("invalid_json", "the body is not valid JSON", { status: 400 });
  }
}

const YAML_TYPES = /^(application\/(x-)?yaml|text\/(x-)?yaml)\b/i;

/** An agent definition body: JSON, or YAML as the files are written (application/yaml, text/yaml). */
export async function definitionBody(c: Context): Promise<unknown> {
  const type = c.req.header("content-type") ?? "";
  if (!YAML_TYPES.test(type)) {
    if (!type.toLowerCase().includes("application/json"))
      throw new ParleyError(
        "unsupported_media_type",
        "send the definition as JSON (Content-Type: application/json) or YAML (Content-Type: application/yaml)",
        { status: 415 },
      );
    return jsonBody(c);
  }
  const doc = parseDocument(await c.req.text());
  const first = doc.errors[0];
  if (first)
    throw new ParleyError("invalid_yaml", `the body is not valid YAML: ${first.message.split("\n")[0]}`, {
      status: 400,
    });
  return doc.toJS() as unknown;
}

/** A positive integer path parameter, or a 404 (an id that cannot exist is simply not found). */
export function idParam(c: Context, name = "id"): number {
  const raw = c.req.param(name) ?? "";
  const id = /^\d{1,15}$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(id) || id < 1)
    throw new ParleyError("not_found", `no such ${name}: '${raw}'`, { status: 404 });
  return id;
}
