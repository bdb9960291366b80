import type { DeliveryResult } from "../store/records/outbound.js";
import type { NotifyDeps } from "./deps.js";
import { finalStatuses, type NotificationRecord, type NotificationStatus } from "../store/repos/notifications-repo.js";
import { finishIfDone, publishProgress } from "./campaigns/progress.js";
import { scheduleCallback } from "./callbacks/schedule-callback.js";
import type { NotifyContext } from "./context.js";
import { notifyMetrics } from "./metrics.js";
import { decideRetry } from "./retry-policy.js";
import { dialledNumber, nextSlot, scheduleNext } from "./schedule.js";

/**
 * What an attempt's outcome does to its notification: the do-not-call list
 * on an opt-out, a callback when the menu asked for one, then the retry
 * policy (a next attempt inside the recipient's window) or a final status,
 * with the events and campaign progress that follow.
 */
export async function applyOutcome(
  services: NotifyDeps,
  ctx: NotifyContext,
  n: NotificationRecord,
  attemptId: number,
  r: DeliveryResult,
): Promise<NotificationRecord> {
  const now = services.clock.now();
  if (r.outcome === "opted_out") {
    // A key press names a menu option; an opt-out without one was spoken.
    const byKey = [...r.digits].some((d) => n.menu?.options[d] === "opt_out");
    await ctx.dnc.add(n.to, byKey ? "opt-out-dtmf" : "opt-out-speech", `opted out during notification ${n.id}`, {
      actor: `notification ${n.id}`,
      notificationId: n.id,
      campaignId: n.campaignId,
    });
  }
  if (r.choice === "callback") await askedForCallback(services, ctx, n);
  const current = (await ctx.notifications.get(n.id)) ?? n;
  const heard = {
    outcome: r.outcome,
    choice: r.choice,
    digits: r.digits || null,
    lastCallId: r.callId ?? current.lastCallId,
  };
  const cancelled = current.status === "cancelled";
  const decision = cancelled ? null : decideRetry(r.outcome, current.attempts, services.config.notify.retry);
  const nextAt = decision?.retry ? await nextSlot(services, ctx, current, now + decision.afterMs) : null;
  // The attempt is recorded before the notification's new status: whoever sees it completed sees its outcome too.
  await ctx.attempts.finish(attemptId, {
    outcome: r.outcome,
    choice: r.choice,
    digits: r.digits || null,
    amd: r.amd,
    callId: r.callId,
    durationMs: r.durationMs,
    nextAttemptAt: nextAt,
    error: null,
  });
  let saved: NotificationRecord;
  if (decision === null) {
    saved = await ctx.notifications.update(n.id, heard, now);
  } else if (decision.retry && nextAt !== null) {
    saved = await scheduleNext(services, ctx, await ctx.notifications.update(n.id, heard, now), nextAt);
  } else {
    const status = decision.retry ? "failed" : decision.status;
    saved = await ctx.notifications.update(
      n.id,
      { ...heard, status, nextAttemptAt: null, error: decision.retry ? "no calling window left for a retry" : null },
      now,
    );
  }
  notifyMetrics(services.registry).attempts.inc({ kind: "notification", outcome: r.outcome });
  await services.bus.publish("notification.attempted", `notification:${n.id}`, {
    notificationId: n.id,
    campaignId: n.campaignId,
    attempt: current.attempts,
    outcome: r.outcome,
    nextAttemptAt: nextAt,
  });
  await settled(services, ctx, saved);
  return saved;
}

/** Refuses to dial a listed number: the notification ends as rejected_dnc with no call placed. True when it was listed. */
export async function rejectIfListed(
  services: NotifyDeps,
  ctx: NotifyContext,
  n: NotificationRecord,
  jobId: number | null,
): Promise<boolean> {
  const entry = await ctx.dnc.listed(n.to);
  if (!entry) return false;
  const now = services.clock.now();
  await ctx.attempts.start({
    number: dialledNumber(ctx, n.to),
    kind: "notification",
    notificationId: n.id,
    jobId,
    attempt: n.attempts + 1,
    dialed: false,
    outcome: "rejected_dnc",
    startedAt: now,
  });
  const saved = await ctx.notifications.update(
    n.id,
    {
      status: "rejected_dnc",
      outcome: "rejected_dnc",
      nextAttemptAt: null,
      error: `${entry.number} is on the do-not-call list (${entry.source})`,
    },
    now,
  );
  notifyMetrics(services.registry).attempts.inc({ kind: "notification", outcome: "rejected_dnc" });
  services.logger.info(
    { notificationId: n.id, source: entry.source },
    "not dialled: the number is on the do-not-call list",
  );
  await settled(services, ctx, saved);
  return true;
}

/** Ends a notification with a final status (cancelled, or failed with a reason) outside an attempt. */
export async function finish(
  services: NotifyDeps,
  ctx: NotifyContext,
  n: NotificationRecord,
  status: NotificationStatus,
  error: string | null,
): Promise<NotificationRecord> {
  const saved = await ctx.notifications.update(n.id, { status, nextAttemptAt: null, error }, services.clock.now());
  await settled(services, ctx, saved);
  return saved;
}

/** Announces a final status, and moves the campaign's progress along. */
async function settled(services: NotifyDeps, ctx: NotifyContext, n: NotificationRecord): Promise<void> {
  const final = finalStatuses.includes(n.status);
  if (final)
    await services.bus.publish("notification.finished", `notification:${n.id}`, {
      notificationId: n.id,
      campaignId: n.campaignId,
      status: n.status,
      outcome: n.outcome,
      attempts: n.attempts,
    });
  if (n.campaignId === null) return;
  const campaign = await ctx.campaigns.get(n.campaignId);
  if (!campaign) return;
  if (final) await publishProgress(services, ctx, campaign);
  await finishIfDone(services, ctx, campaign.id);
}

async function askedForCallback(services: NotifyDeps, ctx: NotifyContext, n: NotificationRecord): Promise<void> {
  const campaign = n.campaignId === null ? null : await ctx.campaigns.get(n.campaignId);
  await scheduleCallback(services, {
    payload: {
      to: n.to,
      agent: n.agent,
      topic: campaign ? campaign.name : "the message we left you",
      summary: `Asked for a callback from the menu of notification ${n.id}.`,
      source: "notification",
      notificationId: n.id,
    },
    runAt: services.clock.now() + services.config.notify.menuCallbackDelayMs,
    idempotencyKey: `notification-${n.id}-callback`,
  });
}
