import { z } from "zod";
import { ParleyError } from "../../lib/errors.js";
import type { NotifyDeps } from "../deps.js";
import type { CampaignRecord, CampaignStatus } from "../../store/repos/campaigns-repo.js";
import { windowSpecSchema } from "../compliance/calling-rules.js";
import { notifyContext } from "../context.js";
import { menuSchema } from "../menu.js";
import { agentName, templateText } from "../notifications.js";
import { compileTemplate } from "../templates.js";
import { campaignProgress, publishProgress } from "./progress.js";
import { startTicking } from "./tick-task.js";

export const createCampaignSchema = z
  .object({
    name: z.string().min(1).max(200),
    templateId: z
      .union([z.number().int().positive(), z.string().min(1).max(63)])
      .optional()
      .describe("a template's id or name; or give `text`"),
    text: z.string().min(1).max(2000).optional().describe("the message, with {variables}; or give `templateId`"),
    agent: z.string().min(1).max(63).optional(),
    window: windowSpecSchema
      .optional()
      .describe("calling hours (and a zone for every recipient, when given); each recipient's own zone otherwise"),
    pacing: z
      .object({
        callsPerSecond: z.number().positive().max(100).default(1).describe("new calls started per second, at most"),
        maxConcurrent: z.number().int().min(1).max(1000).default(5).describe("calls on the line at once, at most"),
      })
      .strict()
      .prefault({}),
    disclosure: z.string().min(1).max(500).optional().describe("said first on every call (who is calling and why)"),
    menu: menuSchema.optional(),
    amd: z.boolean().optional(),
  })
  .strict()
  .refine((b) => (b.templateId === undefined) !== (b.text === undefined), {
    message: "give exactly one of templateId and text",
  });

/** Creates a campaign in `draft`: upload recipients, then start it. */
export async function createCampaign(
  services: NotifyDeps,
  input: z.infer<typeof createCampaignSchema>,
): Promise<CampaignRecord> {
  const ctx = notifyContext(services);
  const agent = agentName(services, input.agent);
  const { text, templateId } = await templateText(ctx, input.templateId, input.text);
  const variables = compileTemplate(text).variables;
  if (input.disclosure) compileTemplate(input.disclosure);
  return ctx.campaigns.insert(
    {
      name: input.name,
      templateId,
      // The operator's own text, masked like the recipients' variables (docs/privacy.md).
      text: services.privacy.scrub(agent, text),
      variables,
      agent,
      window: input.window ?? null,
      callsPerSecond: input.pacing.callsPerSecond,
      maxConcurrent: input.pacing.maxConcurrent,
      disclosure: input.disclosure ? services.privacy.scrub(agent, input.disclosure) : null,
      menu: input.menu ?? null,
      amd: input.amd ?? services.config.notify.amd,
    },
    services.clock.now(),
  );
}

export type CampaignAction = "start" | "pause" | "resume" | "cancel";

const ALLOWED: Record<CampaignAction, readonly CampaignStatus[]> = {
  start: ["draft"],
  pause: ["running"],
  resume: ["paused"],
  cancel: ["draft", "running", "paused"],
};

/**
 * Start, pause, resume or cancel. Pausing stops new calls (calls on the line
 * finish); resuming starts a new generation of the pacer; cancelling drops
 * every recipient not yet finished and ends the calls in progress.
 * A 409 names the status that forbids the action.
 */
export async function changeCampaign(
  services: NotifyDeps,
  id: number,
  action: CampaignAction,
): Promise<CampaignRecord> {
  const ctx = notifyContext(services);
  const now = services.clock.now();
  const changed = await ctx.atomically(async (tx) => {
    // The campaign's row first (PostgreSQL row lock): two nodes changing one campaign do it in turn.
    await tx.campaigns.lock(id);
    const c = await tx.campaigns.get(id);
    if (!c) throw new ParleyError("not_found", `no campaign ${id}`, { status: 404 });
    if (!ALLOWED[action].includes(c.status))
      throw new ParleyError("campaign_invalid_state", `cannot ${action} campaign ${id}: it is ${c.status}`, {
        status: 409,
        details: { status: c.status },
      });
    if (action === "start" && (await tx.recipients.statusCounts(id)).pending === 0)
      throw new ParleyError("campaign_empty", `campaign ${id} has no recipients to call; upload some first`, {
        status: 409,
      });
    if (action === "pause") return tx.campaigns.setStatus(id, "paused", now);
    if (action === "cancel") {
      await tx.recipients.cancelWaiting(id, now);
      return tx.campaigns.setStatus(id, "cancelled", now);
    }
    return tx.campaigns.setStatus(id, "running", now, true);
  });
  // Locked above, so it cannot have gone in between.
  if (!changed) throw new ParleyError("not_found", `no campaign ${id}`, { status: 404 });
  if (action === "cancel") await endCallsInProgress(services, id);
  if (changed.status === "running") await startTicking(services, changed);
  await publishProgress(services, ctx, changed);
  if (action === "cancel") {
    const p = await campaignProgress(ctx, id);
    await services.bus.publish("campaign.finished", `campaign:${id}`, {
      campaignId: id,
      status: "cancelled",
      total: p.total,
      counts: p.counts,
      outcomes: p.outcomes,
    });
  }
  return changed;
}

/** Cancelled campaign: the recipients on the line are marked cancelled, then their delivery jobs aborted (which hangs up). */
async function endCallsInProgress(services: NotifyDeps, id: number): Promise<void> {
  const ctx = notifyContext(services);
  const open = await ctx.recipients.open(id);
  for (const n of open)
    await ctx.notifications.update(n.id, { status: "cancelled", scheduleSeq: n.scheduleSeq + 1 }, services.clock.now());
  await Promise.all(
    open.filter((n) => n.jobId !== null).map((n) => services.queue.cancel(n.jobId as number).catch(() => undefined)),
  );
}
