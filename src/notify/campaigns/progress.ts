import type { NotifyDeps } from "../deps.js";
import type { CampaignRecord } from "../../store/repos/campaigns-repo.js";
import type { NotificationStatus } from "../../store/repos/notifications-repo.js";
import type { NotifyContext } from "../context.js";

export interface CampaignProgress {
  total: number;
  /** Recipients in a final status. */
  done: number;
  counts: Record<NotificationStatus, number>;
  /** Recipients per last outcome (delivered_human, no_answer...). */
  outcomes: Record<string, number>;
}

/** Where a campaign stands, from its recipients' rows. */
export async function campaignProgress(ctx: NotifyContext, campaignId: number): Promise<CampaignProgress> {
  const counts = await ctx.recipients.statusCounts(campaignId);
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  const open = counts.pending + counts.scheduled + counts.calling;
  return { total, done: total - open, counts, outcomes: await ctx.recipients.outcomeCounts(campaignId) };
}

/** Announces a campaign's progress (SSE, webhooks). */
export async function publishProgress(
  services: NotifyDeps,
  ctx: NotifyContext,
  campaign: CampaignRecord,
): Promise<void> {
  const p = await campaignProgress(ctx, campaign.id);
  await services.bus.publish("campaign.progress", `campaign:${campaign.id}`, {
    campaignId: campaign.id,
    status: campaign.status,
    ...p,
  });
}

/**
 * Marks a running campaign finished once no recipient is waiting or on the
 * line, and announces it; true when it did. Safe to call from the pacer and
 * from each delivery: the status change is conditional, so it happens once.
 */
export async function finishIfDone(services: NotifyDeps, ctx: NotifyContext, campaignId: number): Promise<boolean> {
  const p = await campaignProgress(ctx, campaignId);
  if (p.counts.pending + p.counts.scheduled + p.counts.calling > 0) return false;
  const finished = await ctx.atomically(async (tx) => {
    await tx.campaigns.lock(campaignId);
    const c = await tx.campaigns.get(campaignId);
    if (!c || c.status !== "running") return null;
    return tx.campaigns.setStatus(campaignId, "finished", services.clock.now());
  });
  if (!finished) return false;
  await services.bus.publish("campaign.finished", `campaign:${campaignId}`, {
    campaignId,
    status: finished.status,
    total: p.total,
    counts: p.counts,
    outcomes: p.outcomes,
  });
  return true;
}
