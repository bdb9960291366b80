import type { CampaignRecord } from "../store/repos/campaigns-repo.js";
import type { NotificationRecord } from "../store/repos/notifications-repo.js";
import type { OutboundRepos } from "./context.js";
import type { DeliverPayload } from "./kinds.js";

/** The notification a notify.deliver job is for, or null when the job is stale (rescheduled, cancelled, finished since it was queued). */
export async function currentDelivery(ctx: OutboundRepos, p: DeliverPayload): Promise<NotificationRecord | null> {
  const n = await ctx.notifications.get(p.notificationId);
  if (!n || n.scheduleSeq !== p.seq || (n.status !== "scheduled" && n.status !== "calling")) return null;
  return n;
}

/**
 * Marks the notification as on the line and counts the attempt, in one write transaction; for a campaign only while
 * fewer than its max_concurrent recipients are on the line ("full" otherwise); null when the job is stale.
 *
 * A line is a recipient in `calling`, in the store every node shares, so the limit is the campaign's, not a node's:
 * the campaign's row is locked first (PostgreSQL; SQLite's BEGIN IMMEDIATE already holds the only write lock), so
 * the nodes take lines one at a time and never more than the limit together. A line is given back when its attempt
 * ends. A node that dies mid-call leaves its line with the delivery job, whose lease then runs out: the job runs
 * again on another node, takes over the same line (it is already `calling`: no second one is counted) and ends it.
 */
export async function claimLine(
  ctx: OutboundRepos,
  p: DeliverPayload,
  campaign: CampaignRecord | null,
  now: number,
): Promise<NotificationRecord | "full" | null> {
  return ctx.atomically(async (tx) => {
    if (campaign) await tx.campaigns.lock(campaign.id);
    const n = await currentDelivery(tx, p);
    if (!n) return null;
    // A re-run after a crash mid-call already holds its line.
    if (
      campaign &&
      n.status !== "calling" &&
      (await tx.recipients.statusCounts(campaign.id)).calling >= campaign.maxConcurrent
    )
      return "full";
    return tx.notifications.update(n.id, { status: "calling", attempts: n.attempts + 1 }, now);
  });
}
