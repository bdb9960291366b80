import { z } from "zod";
import type { DeliveryResult } from "../store/records/outbound.js";
import type { TaskDefinition, TaskHelpers } from "../jobs/index.js";
import { describeError, ParleyError } from "../lib/errors.js";
import type { NotifyDeps } from "./deps.js";
import { languageOf, notifyContext, optOutWordsOf, voiceOf } from "./context.js";
import { applyOutcome, finish, rejectIfListed } from "./outcomes.js";
import { claimLine, currentDelivery } from "./delivery-line.js";
import { renderMessage } from "./render.js";
import { DELIVER_JOB, dialledNumber, nextSlot, parkForPacer, scheduleNext, type DeliverPayload } from "./schedule.js";

const payload = z.object({ notificationId: z.number().int().positive(), seq: z.number().int().min(0) });
/** A job that starts this close to its slot is on time (clock and poll granularity). */
const SLACK_MS = 1000;

/**
 * notify.deliver: one attempt at one notification. Right before dialling it
 * checks, in order: the do-not-call list, the campaign's state, the calling
 * window and the per-day cap, and the campaign's concurrency; then renders
 * the message (cache hits, normally: notify.render ran ahead) and places the
 * call. Whatever queued the job and however long ago, a listed number is
 * never dialled.
 */
export function deliverTask(services: NotifyDeps): TaskDefinition<DeliverPayload, unknown> {
  return {
    parsePayload: (raw) => payload.parse(raw),
    // A call: ring, detection, the message, the menu; never the whole day.
    timeoutMs: 10 * 60_000,
    run: (p, helpers) => deliver(services, p, helpers),
  };
}

/** A delivery job that used up its own retries (no SIP here, engines never loaded) ends its notification. */
export function watchDeliveries(services: NotifyDeps): () => void {
  return services.queue.events.on("job:dead", ({ job, error }) => {
    if (job.kind !== DELIVER_JOB) return;
    const ctx = notifyContext(services);
    const p = job.payload as DeliverPayload;
    void (async () => {
      const n = await ctx.notifications.get(p.notificationId);
      if (n && (n.status === "scheduled" || n.status === "calling") && n.scheduleSeq === p.seq)
        await finish(services, ctx, n, "failed", error.message);
    })().catch((err: unknown) =>
      services.logger.warn({ notificationId: p.notificationId, err: describeError(err) }, "dead delivery not recorded"),
    );
  });
}

async function deliver(services: NotifyDeps, p: DeliverPayload, helpers: TaskHelpers<DeliverPayload>) {
  const ctx = notifyContext(services);
  const now = () => services.clock.now();
  const n = await currentDelivery(ctx, p);
  if (!n) return { skipped: "stale" };
  if (await rejectIfListed(services, ctx, n, helpers.job.id)) return { outcome: "rejected_dnc" };
  const campaign = n.campaignId === null ? null : await ctx.campaigns.get(n.campaignId);
  if (n.campaignId !== null) {
    if (!campaign || campaign.status === "cancelled")
      return { skipped: (await finish(services, ctx, n, "cancelled", null)).status };
    // Paused: the recipient waits for the pacer, which resumes with the campaign.
    if (campaign.status !== "running")
      return { parked: (await parkForPacer(services, ctx, n, n.nextAttemptAt ?? now())).status };
  }
  const slot = await nextSlot(services, ctx, n, now());
  if (slot === null)
    return {
      outcome: (await finish(services, ctx, n, "failed", "the calling rules leave no time to call in the next month"))
        .status,
    };
  if (slot > now() + SLACK_MS) return { rescheduled: (await scheduleNext(services, ctx, n, slot)).nextAttemptAt };
  const rendered = await renderMessage(
    services.ttsCache,
    {
      text: n.text,
      variables: n.variables,
      disclosure: n.disclosure,
      menu: n.menu,
      voice: voiceOf(services, n.agent),
      language: languageOf(services, n.agent),
    },
    services.config.notify.sentencePauseMs,
    helpers.signal,
  ).catch((err: unknown) => {
    // A template that cannot be said will not become sayable by retrying.
    if (err instanceof ParleyError && !err.retryable && err.status < 500)
      return finish(services, ctx, n, "failed", describeError(err));
    throw err;
  });
  if (!("parts" in rendered)) return { outcome: rendered.status };
  const calling = await claimLine(ctx, p, campaign, now());
  if (calling === "full") return { parked: (await parkForPacer(services, ctx, n, now())).status };
  if (!calling) return { skipped: "stale" };
  const attempt = await ctx.attempts.start({
    number: dialledNumber(ctx, n.to),
    kind: "notification",
    notificationId: n.id,
    jobId: helpers.job.id,
    attempt: calling.attempts,
    dialed: true,
    startedAt: now(),
  });
  let result: DeliveryResult;
  try {
    result = await services.dialer.deliver({
      to: n.to,
      agent: n.agent,
      parts: rendered.parts,
      ...(rendered.menuPrompt && n.menu ? { menu: { prompt: rendered.menuPrompt, options: n.menu.options } } : {}),
      optOutWords: optOutWordsOf(services, n.agent),
      amd: n.amd,
      signal: helpers.signal,
    });
  } catch (err) {
    // Not an outcome of the call but a reason it could not be placed (no SIP in this process, engines loading,
    // every line busy): no dial is counted, and the job's own retry tries again.
    await ctx.attempts.abandon(attempt.id, describeError(err));
    await ctx.atomically(async (tx) => {
      const still = await currentDelivery(tx, p);
      if (still?.status === "calling")
        await tx.notifications.update(n.id, { status: "scheduled", attempts: calling.attempts - 1 }, now());
    });
    // Listed between the check above and the dial: the call manager refused it, and the refusal is this attempt's outcome.
    const fresh = await currentDelivery(ctx, p);
    if (
      err instanceof ParleyError &&
      err.code === "rejected_dnc" &&
      fresh &&
      (await rejectIfListed(services, ctx, fresh, helpers.job.id))
    )
      return { outcome: "rejected_dnc" };
    throw err;
  }
  const saved = await applyOutcome(services, ctx, calling, attempt.id, result);
  return {
    outcome: result.outcome,
    choice: result.choice,
    callId: result.callId,
    status: saved.status,
    nextAttemptAt: saved.nextAttemptAt,
  };
}
