import { z } from "zod";
import { ParleyError } from "../../lib/errors.js";
import { createNotificationSchema } from "../../notify/notifications.js";
import type { ApiDeps } from "../deps.js";
import { notificationStatuses, type NotificationStatus } from "../../store/repos/notifications-repo.js";
import { apiRouter, described, documented, idParams, route } from "../openapi/route.js";
import { idPageQuery } from "../pagination.js";
import { idParam, jsonBody, parseWith } from "../validate.js";
import { presentAttempt, presentNotification } from "./notify-present.js";

const tags = ["notifications"];

/** `?status=a,b`: a comma-separated list of known values. */
export function statusList<T extends string>(known: readonly T[]) {
  return z
    .string()
    .optional()
    .transform((s, ctx) => {
      const list = s
        ?.split(",")
        .map((x) => x.trim())
        .filter(Boolean);
      const bad = list?.filter((x) => !(known as readonly string[]).includes(x));
      if (bad?.length)
        ctx.addIssue({ code: "custom", message: `unknown status ${bad.join(", ")}; one of ${known.join(", ")}` });
      return list as T[] | undefined;
    });
}

const listQuery = z.object({
  ...idPageQuery,
  status: statusList<NotificationStatus>(notificationStatuses).describe(
    `comma-separated: ${notificationStatuses.join(", ")}`,
  ),
  campaignId: z.coerce.number().int().positive().optional(),
  to: z.string().max(256).optional().describe("the recipient as stored (E.164 or SIP URI)"),
});

const create = route({
  method: "post",
  path: "/",
  summary: "Send a voice notification",
  description:
    "Renders the message now (TTS through the cache) and calls inside the recipient's window at or after `runAt`. A number on the do-not-call list is stored as `rejected_dnc` and never called. With an idempotency key (field or `Idempotency-Key` header) a repeat returns the first notification with 200.",
  tags,
  request: {
    // Validated by the handler, after the Idempotency-Key header is merged into it.
    body: { required: true, content: { "application/json": { schema: documented(createNotificationSchema) } } },
  },
  responses: {
    201: described("Created and queued"),
    200: described("An earlier notification with the same idempotency key"),
  },
  errors: {
    400: "Invalid fields, a bad template or missing variables",
    415: "Not JSON",
    422: "Unknown agent or template",
  },
});
const list = route({
  method: "get",
  path: "/",
  summary: "Notifications, newest first",
  tags,
  request: { query: listQuery },
  responses: { 200: described() },
  errors: { 400: "Bad filter" },
});
const get = route({
  method: "get",
  path: "/{id}",
  summary: "A notification with its history: every attempt and its outcome",
  tags,
  request: { params: idParams },
  responses: { 200: described() },
  errors: { 404: "No such notification" },
});
const cancel = route({
  method: "post",
  path: "/{id}/cancel",
  summary: "Cancel a notification",
  description: "A queued delivery is dropped; a call in progress is ended.",
  tags,
  request: { params: idParams },
  responses: { 200: described() },
  errors: { 404: "No such notification", 409: "Already finished" },
});

/** /v1/notifications: one outbound message to one recipient, its status, attempts and outcomes. */
export function notificationRoutes(services: Pick<ApiDeps, "notify">) {
  const app = apiRouter();
  const ctx = () => services.notify.context();

  app.openapi(create, async (c) => {
    const raw = (await jsonBody(c)) as Record<string, unknown>;
    const header = c.req.header("idempotency-key");
    const body = parseWith(
      createNotificationSchema,
      header && raw && typeof raw === "object" && raw.idempotencyKey === undefined
        ? { ...raw, idempotencyKey: header }
        : raw,
      "body",
    );
    const { notification, created } = await services.notify.createNotification(body);
    return c.json(presentNotification(notification), created ? 201 : 200);
  });

  app.openapi(list, async (c) => {
    const q = c.req.valid("query");
    const rows = await ctx().notifications.list({
      status: q.status,
      campaignId: q.campaignId,
      to: q.to,
      before: q.cursor,
      limit: q.limit + 1,
    });
    const page = rows.slice(0, q.limit);
    return c.json({
      items: page.map(presentNotification),
      nextCursor: rows.length > q.limit ? (page[page.length - 1]?.id ?? null) : null,
    });
  });

  app.openapi(get, async (c) => {
    const n = await ctx().notifications.get(idParam(c));
    if (!n) throw new ParleyError("not_found", `no notification ${c.req.param("id")}`, { status: 404 });
    return c.json({
      ...presentNotification(n),
      history: (await ctx().attempts.forNotification(n.id)).map(presentAttempt),
    });
  });

  app.openapi(cancel, async (c) => c.json(presentNotification(await services.notify.cancelNotification(idParam(c)))));
  return app;
}
