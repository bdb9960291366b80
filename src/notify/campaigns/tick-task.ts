import { z } from "zod";
import type { TaskDefinition, TaskHelpers } from "../../jobs/index.js";
import { sleep } from "../../lib/abort.js";
import type { NotifyDeps } from "../deps.js";
import type { CampaignRecord } from "../../store/repos/campaigns-repo.js";
import { notifyContext, type NotifyContext } from "../context.js";
import { finish, rejectIfListed } from "../outcomes.js";
import { nextSlot, parkForPacer, scheduleDelivery } from "../schedule.js";
import { finishIfDone } from "./progress.js";

import { TICK_JOB } from "../kinds.js";

export { TICK_JOB };

const payload = z.object({
  campaignId: z.number().int().positive(),
  seq: z.number().int().min(0),
  slice: z.number().int().min(0),
});
type TickPayload = z.infer<typeof payload>;

/** How often the pacer looks again while it waits (a free line, a due recipient, a pause). */
const POLL_MS = 25;
/** The most a release may come early to make up for a late timer. */
const CATCH_UP_MS = 5;

/**
 * campaign.tick, the pacer: releases a campaign's recipients to notify.deliver
 * at `callsPerSecond` and never while `maxConcurrent` are queued or on the
 * line. It runs for notify.campaignSliceMs, then hands over to the next tick
 * job (so a crash loses at most a slice, and the worker slot is shared);
 * it stops when the campaign is paused, cancelled or finished, or when a
 * newer generation (a resume) has taken over.
 *
 * The limits are the campaign's, not a node's: the release slots are taken
 * from the campaign's row (`takeReleaseSlot`), and the lines counted in the
 * recipients' rows, both in the store the nodes share. So a slice that moves
 * to another node, or two generations that overlap for a moment, still
 * release at the rate together; and the deliveries, whichever node runs them,
 * claim their lines under the campaign's lock (notify.deliver).
 */
export function tickTask(services: NotifyDeps): TaskDefinition<TickPayload, unknown> {
  return {
    parsePayload: (raw) => payload.parse(raw),
    timeoutMs: services.config.notify.campaignSliceMs + 60_000,
    run: (p, helpers) => tick(services, p, helpers),
  };
}

/** Queues the first tick of a new generation (start, resume). */
export async function startTicking(services: NotifyDeps, c: CampaignRecord): Promise<void> {
  await services.queue.enqueue({
    kind: TICK_JOB,
    payload: { campaignId: c.id, seq: c.tickSeq, slice: 0 },
    priority: 10,
    idempotencyKey: `campaign-${c.id}-tick-${c.tickSeq}-0`,
  });
}

async function tick(services: NotifyDeps, p: TickPayload, helpers: TaskHelpers<TickPayload>) {
  const ctx = notifyContext(services);
  const sliceEnd = performance.now() + services.config.notify.campaignSliceMs;
  let released = 0;
  let campaign: CampaignRecord | null = null;
  while (performance.now() < sliceEnd) {
    campaign = await ctx.campaigns.get(p.campaignId);
    if (!campaign || campaign.status !== "running" || campaign.tickSeq !== p.seq)
      return { released, stopped: campaign?.status ?? "deleted" };
    if (await finishIfDone(services, ctx, campaign.id)) return { released, stopped: "finished" };
    const early = campaign.nextReleaseAt - services.clock.now();
    if (early > 0) {
      await sleep(Math.min(early, POLL_MS), helpers.signal);
      continue;
    }
    const counts = await ctx.recipients.statusCounts(campaign.id);
    const now = services.clock.now();
    const due =
      counts.scheduled + counts.calling < campaign.maxConcurrent
        ? await ctx.recipients.nextDue(campaign.id, now)
        : null;
    if (!due) {
      const at = await ctx.recipients.nextPendingAt(campaign.id);
      // Nothing can go now: hand over early when the next recipient is due after this slice and no call is open.
      if (at !== null && at - now > sliceEnd - performance.now() && counts.scheduled + counts.calling === 0) break;
      await sleep(POLL_MS, helpers.signal);
      continue;
    }
    if (!(await callable(services, ctx, due.id, now))) continue; // not callable now: it used no share of the pace
    // The next release slot, shared by every tick job of the campaign on every node. Timer lateness is made up
    // only within a few milliseconds (no drift, and never a burst above the rate); a long delay (every line
    // busy) starts the schedule afresh.
    const interval = 1000 / campaign.callsPerSecond;
    const wait = await ctx.campaigns.takeReleaseSlot(campaign.id, now, interval, Math.min(CATCH_UP_MS, interval / 20));
    if (wait > 0) {
      await sleep(Math.min(wait, POLL_MS), helpers.signal);
      continue;
    }
    if (await release(services, ctx, due.id, services.clock.now())) released++;
  }
  if (campaign) await handOver(services, ctx, campaign, p);
  return { released, handedOver: true };
}

/**
 * Whether a due recipient can be called now; one that is listed or outside its window is settled here (it waits,
 * or ends) and takes no release slot.
 */
async function callable(services: NotifyDeps, ctx: NotifyContext, id: number, now: number): Promise<boolean> {
  const n = await ctx.notifications.get(id);
  if (!n || n.status !== "pending") return false;
  if (await rejectIfListed(services, ctx, n, null)) return false;
  const slot = await nextSlot(services, ctx, n, now);
  if (slot === null) {
    await finish(services, ctx, n, "failed", "the calling rules leave no time to call in the next month");
    return false;
  }
  if (slot > now + 1000) {
    await parkForPacer(services, ctx, n, slot);
    return false;
  }
  return true;
}

/**
 * Sends the recipient to notify.deliver in the slot just taken. Only while it is still pending: another tick of
 * the campaign (a generation overlapping for a moment, on another node) may have released it meanwhile.
 */
async function release(services: NotifyDeps, ctx: NotifyContext, id: number, now: number): Promise<boolean> {
  const n = await ctx.notifications.get(id);
  if (!n || n.status !== "pending") return false;
  await scheduleDelivery(services, ctx, n, now);
  return true;
}

/** Queues the next slice: at once while calls are open or recipients are due, else when the next one is. */
async function handOver(services: NotifyDeps, ctx: NotifyContext, c: CampaignRecord, p: TickPayload): Promise<void> {
  const counts = await ctx.recipients.statusCounts(c.id);
  const at = await ctx.recipients.nextPendingAt(c.id);
  const now = services.clock.now();
  const runAt = counts.scheduled + counts.calling > 0 || at === null ? now : Math.max(now, at);
  await services.queue.enqueue({
    kind: TICK_JOB,
    payload: { campaignId: c.id, seq: p.seq, slice: p.slice + 1 },
    runAt,
    priority: 10,
    idempotencyKey: `campaign-${c.id}-tick-${p.seq}-${p.slice + 1}`,
  });
}
