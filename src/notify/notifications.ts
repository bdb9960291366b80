import { z } from "zod";
import { ParleyError } from "../lib/errors.js";
import type { NotifyDeps } from "./deps.js";
import type { NotificationRecord } from "../store/repos/notifications-repo.js";
import { windowSpecSchema } from "./compliance/calling-rules.js";
import { notifyContext, type NotifyContext } from "./context.js";
import { menuSchema } from "./menu.js";
import { finish, rejectIfListed } from "./outcomes.js";
import { normaliseRecipient, recipientZone, undialable } from "./recipient.js";
import { nextSlot, RENDER_JOB, scheduleDelivery } from "./schedule.js";
import { compileTemplate, missingVariables, variablesSchema } from "./templates.js";

/** ISO 8601 with a zone, or epoch milliseconds. */
export const instant = z.union([
  z.iso.datetime({ offset: true }).transform((s) => Date.parse(s)),
  z.number().int().min(0),
]);

export const createNotificationSchema = z
  .object({
    to: z
      .string()
      .min(3)
      .max(256)
      .describe("E.164 (+14155550123), a national number of the site's country, or a SIP URI"),
    templateId: z
      .union([z.number().int().positive(), z.string().min(1).max(63)])
      .optional()
      .describe("a template's id or name; or give `text`"),
    text: z.string().min(1).max(2000).optional().describe("the message, with {variables}; or give `templateId`"),
    variables: variablesSchema.default({}),
    agent: z
      .string()
      .min(1)
      .max(63)
      .optional()
      .describe("whose voice (and transfer target); agents.default when absent"),
    runAt: instant.optional().describe("not before this time (ISO 8601 or epoch ms); now when absent"),
    window: windowSpecSchema
      .optional()
      .describe("calling hours and zone for this recipient; config notify.window and the number's zone fill the rest"),
    menu: menuSchema
      .optional()
      .describe('DTMF menu after the message, e.g. {"1": "confirm", "2": "transfer", "9": "opt_out"}'),
    disclosure: z.string().min(1).max(500).optional().describe("said before the message"),
    amd: z.boolean().optional().describe("answering-machine detection (notify.amd when absent)"),
    idempotencyKey: z
      .string()
      .min(1)
      .max(255)
      .optional()
      .describe("a repeat with the same key returns the first notification (the Idempotency-Key header works too)"),
  })
  .strict()
  .refine((b) => (b.templateId === undefined) !== (b.text === undefined), {
    message: "give exactly one of templateId and text",
  });

export type CreateNotification = z.infer<typeof createNotificationSchema>;

/** The template text (and its id) a request names. */
export async function templateText(
  ctx: NotifyContext,
  ref: number | string | undefined,
  text: string | undefined,
): Promise<{ text: string; templateId: number | null }> {
  if (ref === undefined) return { text: text ?? "", templateId: null };
  const t = typeof ref === "number" ? await ctx.templates.get(ref) : await ctx.templates.byName(ref);
  if (!t) throw new ParleyError("template_unknown", `no template ${JSON.stringify(ref)}`, { status: 422 });
  return { text: t.text, templateId: t.id };
}

/** The agent a request names, or the default; an unknown one is a 422. */
export function agentName(services: NotifyDeps, agent: string | undefined): string {
  const name = agent ?? services.config.agents.default;
  if (!services.agents.find(name)) throw new ParleyError("agent_unknown", `no agent named '${name}'`, { status: 422 });
  return name;
}

/**
 * Creates a notification: validates it, stores it, and queues its render
 * (now) and its delivery (at the first allowed time at or after runAt). A
 * number already on the do-not-call list is stored as rejected_dnc and
 * never queued. A repeated idempotency key returns the first one.
 */
export async function createNotification(
  services: NotifyDeps,
  input: CreateNotification,
): Promise<{ notification: NotificationRecord; created: boolean }> {
  const ctx = notifyContext(services);
  if (input.idempotencyKey) {
    const existing = await ctx.notifications.byKey(input.idempotencyKey);
    if (existing) return { notification: existing, created: false };
  }
  const agent = agentName(services, input.agent);
  const { text, templateId } = await templateText(ctx, input.templateId, input.text);
  const template = compileTemplate(text);
  const variables = Object.fromEntries(Object.entries(input.variables).map(([k, v]) => [k, String(v)]));
  const missing = missingVariables(template, variables);
  if (missing.length)
    throw new ParleyError("variables_missing", `missing template variables: ${missing.join(", ")}`, {
      status: 400,
      details: { missing },
    });
  if (input.disclosure) compileTemplate(input.disclosure);
  const cc = services.config.voicemail.defaultCountryCode;
  const recipient = normaliseRecipient(input.to, cc);
  if ("error" in recipient) throw new ParleyError("invalid_recipient", recipient.error, { status: 400 });
  const cannot = undialable(services.config.sip.trunk?.uri, recipient.to);
  if (cannot) throw new ParleyError("no_trunk", cannot, { status: 422 });
  const now = services.clock.now();
  const notBefore = Math.max(now, input.runAt ?? now);
  let n: NotificationRecord;
  try {
    n = await ctx.notifications.insert(
      {
        campaignId: null,
        rowNo: null,
        to: recipient.to,
        agent,
        templateId,
        // Masked before they are stored (docs/privacy.md): the message is said from what is stored, so a card
        // number in a variable is never read out either; `to` stays exact (it is dialled).
        text: services.privacy.scrub(agent, text),
        variables: services.privacy.scrub(agent, variables),
        menu: input.menu ?? null,
        disclosure: input.disclosure ? services.privacy.scrub(agent, input.disclosure) : null,
        window: input.window ?? null,
        timeZone: recipientZone(services.config.notify, recipient.to, cc, null, input.window),
        amd: input.amd ?? services.config.notify.amd,
        status: "scheduled",
        nextAttemptAt: notBefore,
        idempotencyKey: input.idempotencyKey ?? null,
      },
      now,
    );
  } catch (err) {
    // Two requests with one key at once: the loser returns the winner's notification.
    const existing = input.idempotencyKey ? await ctx.notifications.byKey(input.idempotencyKey) : null;
    if (existing) return { notification: existing, created: false };
    throw err;
  }
  if (await rejectIfListed(services, ctx, n, null))
    return { notification: (await ctx.notifications.get(n.id)) ?? n, created: true };
  await services.queue.enqueue({
    kind: RENDER_JOB,
    payload: { notificationId: n.id },
    priority: 10,
    idempotencyKey: `notification-${n.id}-render`,
  });
  const slot = await nextSlot(services, ctx, n, notBefore);
  if (slot === null)
    return {
      notification: await finish(
        services,
        ctx,
        n,
        "failed",
        "the calling rules leave no time to call in the next month",
      ),
      created: true,
    };
  return { notification: await scheduleDelivery(services, ctx, n, slot), created: true };
}

/** Cancels a notification that has not finished: a queued delivery is dropped, a call in progress is ended. */
export async function cancelNotification(services: NotifyDeps, id: number): Promise<NotificationRecord> {
  const ctx = notifyContext(services);
  const n = await ctx.notifications.get(id);
  if (!n) throw new ParleyError("not_found", `no notification ${id}`, { status: 404 });
  if (["completed", "failed", "rejected_dnc", "cancelled"].includes(n.status)) {
    throw new ParleyError("notification_finished", `notification ${id} is already ${n.status}`, { status: 409 });
  }
  const saved = await finish(
    services,
    ctx,
    await ctx.notifications.update(id, { scheduleSeq: n.scheduleSeq + 1 }, services.clock.now()),
    "cancelled",
    null,
  );
  if (n.jobId) await services.queue.cancel(n.jobId).catch(() => undefined); // it may have finished meanwhile
  return saved;
}
