import { z } from "zod";
import { ParleyError } from "../../lib/errors.js";
import { withIsoTimes } from "../../lib/iso-time.js";
import { importDnc } from "../../notify/compliance/dnc-import.js";
import type { DncActor } from "../../notify/compliance/dnc.js";
import type { DncAuditRecord } from "../../store/repos/dnc-audit-repo.js";
import type { ApiDeps } from "../deps.js";
import { apiRouter, described, jsonRequest, route } from "../openapi/route.js";
import { idPageQuery } from "../pagination.js";

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
const removeQuery = z.object({
  reason: z.string().max(500).optional().describe("why it is removed, kept in the audit trail"),
});
const auditQuery = z.object({
  ...idPageQuery,
  number: z.string().min(3).max(256).optional().describe("only this number's history (normalised as on add)"),
});
const CSV_TYPES = /^(text\/csv|text\/plain|application\/csv)/i;

const add = route({
  method: "post",
  path: "/",
  summary: "Add a number to the do-not-call list",
  tags,
  request: { body: jsonRequest(addBody) },
  responses: { 201: described("Added"), 200: described("Already listed") },
  errors: { 400: "Not a number", 415: "Not JSON" },
});
const listEntries = route({
  method: "get",
  path: "/",
  summary: "The do-not-call list, in number order",
  tags,
  request: { query: listQuery },
  responses: { 200: described() },
  errors: { 400: "Bad prefix, cursor or limit" },
});
const check = route({
  method: "get",
  path: "/check",
  summary: "Whether a number may be called",
  tags,
  request: { query: checkQuery },
  responses: { 200: described() },
  errors: { 400: "Not a number" },
});
const importCsv = route({
  method: "post",
  path: "/import",
  summary: "Import numbers from CSV",
  description:
    "text/csv: one number per row in the first column, or a header row with a number (or phone, to) column and optionally reason. Returns how many were added and every rejected row with the reason.",
  tags,
  request: {
    body: { required: true, content: { "text/csv": { schema: { type: "string", description: "the list" } } } },
  },
  responses: { 200: described("Added, with every rejected row") },
  errors: { 400: "Unreadable CSV", 415: "Not CSV" },
});
const remove = route({
  method: "delete",
  path: "/{number}",
  summary: "Remove a number (URL-encode the +: %2B)",
  tags,
  description: "The removal is kept in the audit trail with the API key that made it and the `reason`.",
  request: {
    params: z.object({ number: z.string().describe("E.164, a national number, or a SIP URI") }),
    query: removeQuery,
  },
  responses: { 204: described("Removed") },
  errors: { 400: "Not a number", 404: "Not listed" },
});

const audit = route({
  method: "get",
  path: "/audit",
  summary: "The audit trail: every add and removal with who made it, when and why, newest first",
  tags,
  request: { query: auditQuery },
  responses: { 200: described() },
  errors: { 400: "Bad number, cursor or limit" },
});
const optOuts = route({
  method: "get",
  path: "/opt-outs",
  summary: "Numbers that opted out on a call (by key or by speech), with the notification and campaign, newest first",
  tags,
  request: { query: z.object(idPageQuery) },
  responses: { 200: described() },
  errors: { 400: "Bad cursor or limit" },
});

export const OPT_OUT_SOURCES = ["opt-out-dtmf", "opt-out-speech"] as const;

/** An audit row with its time as ISO 8601. */
export const presentAudit = (a: DncAuditRecord) => withIsoTimes(a, ["createdAt"]);

/** A list entry with its time as ISO 8601. */
const presentEntry = <T extends { createdAt: number }>(e: T) => withIsoTimes(e, ["createdAt"]);

/** /v1/dnc: the do-not-call list. Every dial checks it first, whatever queued the call. */
export function dncRoutes(services: Pick<ApiDeps, "apiKeys" | "clock" | "notify">) {
  const app = apiRouter();
  /** The API key that made the request, as the audit trail names it. */
  const caller = async (c: { get: (k: never) => unknown }): Promise<DncActor> => {
    const id = String(c.get("apiKeyId" as never) ?? "");
    const key = id ? await services.apiKeys.get(id) : null;
    return { actor: key ? `key ${key.name} (${key.id})` : "api" };
  };
  const auditPage = (rows: DncAuditRecord[], limit: number) => {
    const page = rows.slice(0, limit);
    return {
      items: page.map(presentAudit),
      nextCursor: rows.length > limit ? (page[page.length - 1]?.id ?? null) : null,
    };
  };
  const list = () => services.notify.context().dnc;
  const keyOf = (raw: string) => {
    const key = list().key(raw);
    if (!key)
      throw new ParleyError("invalid_number", `'${raw.slice(0, 40)}' is not a phone number or SIP URI`, {
        status: 400,
      });
    return key;
  };

  app.openapi(add, async (c) => {
    const b = c.req.valid("json");
    keyOf(b.number);
    const actor = await caller(c);
    const { entry, created } = await list().add(b.number, "api", b.reason ?? null, actor);
    return c.json(presentEntry(entry), created ? 201 : 200);
  });

  app.openapi(listEntries, async (c) => {
    const q = c.req.valid("query");
    const prefix = q.prefix ? (q.prefix.startsWith("+") ? q.prefix : `+${q.prefix}`) : undefined;
    const rows = await list().repo.list({ after: q.cursor, prefix, limit: q.limit + 1 });
    const page = rows.slice(0, q.limit);
    return c.json({
      items: page.map(presentEntry),
      total: await list().repo.count(),
      nextCursor: rows.length > q.limit ? (page[page.length - 1]?.number ?? null) : null,
    });
  });

  app.openapi(check, async (c) => {
    const q = c.req.valid("query");
    const number = keyOf(q.number);
    const entry = await list().listed(q.number);
    return c.json({ number, listed: entry !== null, entry: entry && presentEntry(entry) });
  });

  app.openapi(importCsv, async (c) => {
    if (!CSV_TYPES.test(c.req.header("content-type") ?? ""))
      throw new ParleyError("unsupported_media_type", "send the list as text/csv", { status: 415 });
    const actor = await caller(c);
    return c.json(await importDnc(list(), await c.req.text(), actor));
  });

  app.openapi(remove, async (c) => {
    const param = c.req.param("number");
    let raw = param;
    try {
      raw = decodeURIComponent(param); // "%2B1555..." from clients that encode the +
    } catch {
      // already decoded
    }
    const number = keyOf(raw);
    const actor = await caller(c);
    if (!(await list().remove(number, "api", c.req.valid("query").reason ?? null, actor)))
      throw new ParleyError("not_found", `${raw} is not on the do-not-call list`, { status: 404 });
    return c.body(null, 204);
  });

  app.openapi(audit, async (c) => {
    const q = c.req.valid("query");
    const number = q.number === undefined ? undefined : keyOf(q.number);
    return c.json(auditPage(await list().audit.list({ number, before: q.cursor, limit: q.limit + 1 }), q.limit));
  });

  app.openapi(optOuts, async (c) => {
    const q = c.req.valid("query");
    return c.json(
      auditPage(await list().audit.list({ sources: OPT_OUT_SOURCES, before: q.cursor, limit: q.limit + 1 }), q.limit),
    );
  });
  return app;
}
