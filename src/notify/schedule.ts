import type { NotifyDeps } from "./deps.js";
import type { NotificationRecord } from "../store/repos/notifications-repo.js";
import { nextCallSlot, rulesFor } from "./compliance/calling-rules.js";
import type { NotifyContext } from "./context.js";

import { DELIVER_JOB, RENDER_JOB, type DeliverPayload } from "./kinds.js";

export { DELIVER_JOB, RENDER_JOB, type DeliverPayload };

/** The number as the per-day cap and the do-not-call list know it. */
export function dialledNumber(ctx: NotifyContext, to: string): string {
  return ctx.dnc.key(to) ?? to.trim();
}

/**
 * The earliest time at or after `from` when this recipient may be dialled:
 * inside their window (zone, hours, quiet days, holidays) on a day with
 * dials left under notify.maxAttemptsPerDay. Null when the rules forbid
 * every day of the horizon.
 */
export async function nextSlot(
  services: NotifyDeps,
  ctx: NotifyContext,
  n: NotificationRecord,
  from: number,
): Promise<number | null> {
  const rules = rulesFor(services.config.notify, n.timeZone, n.window);
  const number = dialledNumber(ctx, n.to);
  return nextCallSlot(from, rules, services.config.notify.maxAttemptsPerDay, (a, b) =>
    ctx.attempts.dials(number, a, b),
  );
}

/**
 * Queues a notify.deliver job for `at`. The row's sequence number is bumped
 * first, so any job queued for it earlier finds itself stale and does nothing.
 */
export async function scheduleDelivery(
  services: NotifyDeps,
  ctx: NotifyContext,
  n: NotificationRecord,
  at: number,
): Promise<NotificationRecord> {
  const seq = n.scheduleSeq + 1;
  await ctx.notifications.update(
    n.id,
    { status: "scheduled", nextAttemptAt: at, scheduleSeq: seq },
    services.clock.now(),
  );
  const { job } = await services.queue.enqueue({
    kind: DELIVER_JOB,
    payload: { notificationId: n.id, seq },
    runAt: at,
    // Outbound work is not bulk work: a campaign's calls go before the voicemail backlog once they are due.
    priority: 5,
    idempotencyKey: `notification-${n.id}-${seq}`,
  });
  return ctx.notifications.update(n.id, { jobId: job.id }, services.clock.now());
}

/** A campaign recipient goes (back) to the campaign's pacer, due at `at`. */
export async function parkForPacer(
  services: NotifyDeps,
  ctx: NotifyContext,
  n: NotificationRecord,
  at: number,
): Promise<NotificationRecord> {
  return ctx.notifications.update(
    n.id,
    { status: "pending", nextAttemptAt: at, scheduleSeq: n.scheduleSeq + 1, jobId: null },
    services.clock.now(),
  );
}

/** Where the next attempt goes: a campaign's pacer or a job of its own. */
export async function scheduleNext(
  services: NotifyDeps,
  ctx: NotifyContext,
  n: NotificationRecord,
  at: number,
): Promise<NotificationRecord> {
  return n.campaignId === null ? scheduleDelivery(services, ctx, n, at) : parkForPacer(services, ctx, n, at);
}
