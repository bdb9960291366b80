import { Hono } from "hono";
import { z } from "zod";
import { ParleyError } from "../../lib/errors.js";
import { withIsoTimes } from "../../lib/iso-time.js";
import { importDnc } from "../../notify/compliance/dnc-import.js";
import { notifyContext } from "../../notify/context.js";
import type { ApiDeps } from "../deps.js";
import type { OpenApiRegistry } from "../openapi/registry.js";
import { jsonBody, parseWith } from "../validate.js";

const tags = ["compliance"];
const addBody = z
  .object({
    number: z.string().min(3).max(256).describe("E.164, a national number, or a SIP URI"),
    reason: z.string().max(500).optional(),
  })
  .strict();
const listQuery = z.object({
  prefix: z
    .string()
    .regex(/^\+?\d{1,15}$/, "digits, optionally with a leading +")
    .optional()
    .describe("only numbers starting with this"),
  // A page ends at a listed entry: an E.164 number or a SIP URI (what nextCursor holds), nothing else.
  cursor: z
    .string()
    .max(256)
    .regex(/^\+\d{1,15}$|^sips?:\S+$/i, "pass the nextCursor value of the previous page")
    .optional()
    .describe("the nextCursor of the previous page"),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
const checkQuery = z.object({ number: z.string().min(3).max(256) });
const CSV_TYPES = /^(text\/csv|text\/plain|application\/csv)/i;

/** A list entry with its time as ISO 8601. */
const presentEntry = <T extends { createdAt: number }>(e: T) => withIsoTimes(e, ["createdAt"]);

/** /v1/dnc: the do-not-call list. Every dial checks it first, whatever queued the call. */
export function dncRoutes(services: ApiDeps, openapi: OpenApiRegistry): Hono {
  const app = new Hono();
  const list = () => notifyContext(services).dnc;
  const keyOf = (raw: string) => {
    const key = list().key(raw);
    if (!key)
      throw new ParleyError("invalid_number", `'${raw.slice(0, 40)}' is not a phone number or SIP URI`, {
        status: 400,
      });
    return key;
  };

  openapi.add("post", "/v1/dnc", {
    summary: "Add a number to the do-not-call list",
    tags,
    body: addBody,
    status: 201,
    responses: { 201: "Added", 200: "Already listed", 400: "Not a number" },
  });
  app.post("/", async (c) => {
    const b = parseWith(addBody, await jsonBody(c), "body");
    keyOf(b.number);
    const { entry, created } = list().add(b.number, "api", b.reason ?? null);
    return c.json(presentEntry(entry), created ? 201 : 200);
  });

  openapi.add("get", "/v1/dnc", { summary: "The do-not-call list, in number order", tags, query: listQuery });
  app.get("/", (c) => {
    const q = parseWith(listQuery, c.req.query(), "query");
    const prefix = q.prefix ? (q.prefix.startsWith("+") ? q.prefix : `+${q.prefix}`) : undefined;
    const rows = list().repo.list({ after: q.cursor, prefix, limit: q.limit + 1 });
    const page = rows.slice(0, q.limit);
    return c.json({
      items: page.map(presentEntry),
      total: list().repo.count(),
      nextCursor: rows.length > q.limit ? (page[page.length - 1]?.number ?? null) : null,
    });
  });

  openapi.add("get", "/v1/dnc/check", {
    summary: "Whether a number may be called",
    tags,
    query: checkQuery,
    responses: { 400: "Not a number" },
  });
  app.get("/check", (c) => {
    const q = parseWith(checkQuery, c.req.query(), "query");
    const number = keyOf(q.number);
    const entry = list().listed(q.number);
    return c.json({ number, listed: entry !== null, entry: entry && presentEntry(entry) });
  });

  openapi.add("post", "/v1/dnc/import", {
    summary: "Import numbers from CSV",
    description:
      "text/csv: one number per row in the first column, or a header row with a number (or phone, to) column and optionally reason. Returns how many were added and every rejected row with the reason.",
    tags,
    bodyMediaTypes: { "text/csv": { description: "the list" } },
    responses: { 400: "Unreadable CSV", 415: "Not CSV" },
  });
  app.post("/import", async (c) => {
    if (!CSV_TYPES.test(c.req.header("content-type") ?? ""))
      throw new ParleyError("unsupported_media_type", "send the list as text/csv", { status: 415 });
    return c.json(importDnc(list(), await c.req.text(), services.clock.now()));
  });

  openapi.add("delete", "/v1/dnc/{number}", {
    summary: "Remove a number (URL-encode the +: %2B)",
    tags,
    status: 204,
    responses: { 204: "Removed", 404: "Not listed" },
  });
  app.delete("/:number", (c) => {
    const param = c.req.param("number");
    let raw = param;
    try {
      raw = decodeURIComponent(param); // "%2B1555..." from clients that encode the +
    } catch {
      // already decoded
    }
    if (!list().remove(keyOf(raw)))
      throw new ParleyError("not_found", `${raw} is not on the do-not-call list`, { status: 404 });
    return c.body(null, 204);
  });
  return app;
}
