import type { TaskDefinition, TaskHelpers } from "../../jobs/index.js";
import { describeError, ParleyError } from "../../lib/errors.js";
import type { NotifyDeps } from "../deps.js";
import { VoicemailsRepo } from "../../store/repos/voicemails-repo.js";
import { callbackRules, callbackTiming } from "./policy.js";
import { notifyContext, type NotifyContext } from "../context.js";
import { normaliseRecipient, recipientZone } from "../recipient.js";
import { decideRetry } from "../retry-policy.js";
import { dialledNumber } from "../schedule.js";
import { callbackPayloadSchema, callbackTopic, enqueueCallback, type CallbackPayload } from "./enqueue.js";
import { announce, callbackGreeting, type Chain } from "./chain.js";
import { leaveCallbackVoicemail } from "./voicemail-drop.js";
import { attemptThrew, claimCallback, settleCallback, type AttemptResult } from "./ledger.js";

const SLACK_MS = 1000;

/**
 * callback.place: the call a live agent or a voicemail rule promised. At its
 * time, inside the recipient's window and under the per-day cap, and never
 * to a number on the do-not-call list, it dials and hands the answered call
 * to the agent, who greets with the reason ("calling you back about...")
 * and carries on live. No answer or busy follows the retry policy; when the
 * retries are used up, one last call leaves the message on voicemail.
 */
export function callbackTask(services: NotifyDeps): TaskDefinition<CallbackPayload, unknown> {
  return {
    parsePayload: (raw) => callbackPayloadSchema.parse(raw),
    // Ringing and, for the last try, leaving the message; the live conversation runs on after the job.
    timeoutMs: 10 * 60_000,
    run: (p, helpers) => placeCallback(services, p, helpers),
  };
}

/** Runs one attempt for the callback this job belongs to, unless it was cancelled or moved to another job. */
async function placeCallback(
  services: NotifyDeps,
  p: CallbackPayload,
  helpers: TaskHelpers<CallbackPayload>,
): Promise<AttemptResult> {
  const ctx = notifyContext(services);
  const callback = await claimCallback(ctx, p, helpers, services.clock.now());
  if ("skipped" in callback) return callback;
  const attempt = (p.attempt ?? 0) + 1;
  try {
    const r = await attemptCallback(services, p, helpers);
    await settleCallback(ctx, callback, helpers.job.id, r, attempt, services.clock.now());
    return r;
  } catch (err) {
    await attemptThrew(ctx, callback, helpers, err, services.clock.now());
    throw err;
  }
}

async function attemptCallback(
  services: NotifyDeps,
  p: CallbackPayload,
  helpers: TaskHelpers<CallbackPayload>,
): Promise<AttemptResult> {
  const ctx = notifyContext(services);
  const now = services.clock.now();
  if (!p.to) return { skipped: "no number to call back" };
  const recipient = normaliseRecipient(p.to, services.config.voicemail.defaultCountryCode);
  if ("error" in recipient) return { skipped: recipient.error };
  const chain: Chain = {
    payload: p,
    to: recipient.to,
    number: dialledNumber(ctx, recipient.to),
    attempt: (p.attempt ?? 0) + 1,
    root: p.rootJobId ?? helpers.job.id,
  };
  // Checked at dial time: a number listed after the callback was promised is still never called.
  const listed = await ctx.dnc.listed(chain.to);
  if (listed) {
    await ctx.attempts.start({
      number: chain.number,
      kind: "callback",
      notificationId: null,
      jobId: helpers.job.id,
      attempt: chain.attempt,
      dialed: false,
      outcome: "rejected_dnc",
      startedAt: now,
    });
    await announce(services, helpers.job.id, chain, "rejected_dnc", null, null);
    return { outcome: "rejected_dnc" };
  }
  const agent = services.agents.find(p.agent) ? p.agent : services.config.agents.default;
  const cc = services.config.voicemail.defaultCountryCode;
  // The callback rules (notify.callbacks), not the outreach window: the person asked for this call.
  const rules = callbackRules(
    services.config.notify,
    recipientZone(services.config.notify, chain.to, cc),
    p.urgency ?? null,
  );
  const timing = await callbackTiming(services.config.notify, rules, now, (a, b) =>
    ctx.attempts.dials(chain.number, a, b),
  );
  if (timing.at === null)
    return { outcome: "failed", reason: "the callback rules leave no time to call in the next month" };
  if (timing.at > now + SLACK_MS) {
    const job = await enqueueCallback(services, {
      ...p,
      rootJobId: chain.root,
      runAt: timing.at,
      idempotencyKey: `callback-${chain.root}-${chain.attempt}-at-${timing.at}`,
    });
    // Moved at dial time (the daily cap filled meanwhile, say): the voicemail shows the new time and why.
    if (p.voicemailId) {
      const repo = new VoicemailsRepo(services.sql);
      await repo.setCallback(p.voicemailId, {
        jobId: job.id,
        requestedAt: (await repo.get(p.voicemailId))?.callback?.requestedAt ?? now,
        at: timing.at,
        delay: timing.delay,
      });
    }
    return { rescheduled: timing.at, jobId: job.id, delay: timing.delay };
  }
  if (p.mode === "voicemail") return leaveCallbackVoicemail(services, ctx, chain, agent, helpers);
  if (!services.dialer.available())
    throw new ParleyError("sip_disabled", "this process does not run SIP; callbacks are placed by `parley serve`", {
      status: 409,
      retryable: true,
    });
  const topic = callbackTopic(p);
  const a = await ctx.attempts.start({
    number: chain.number,
    kind: "callback",
    notificationId: null,
    jobId: helpers.job.id,
    attempt: chain.attempt,
    dialed: true,
    startedAt: now,
  });
  try {
    const call = await services.dialer.dialLive({
      to: chain.to,
      agent,
      greeting: callbackGreeting(agent, topic, services.agents.find(agent)?.agent.language),
      context: {
        source: "callback",
        jobId: helpers.job.id,
        rootJobId: chain.root,
        topic,
        summary: p.summary ?? null,
        callId: p.callId ?? null,
        voicemailId: p.voicemailId ?? null,
      },
      signal: helpers.signal,
    });
    await ctx.attempts.finish(a.id, {
      outcome: "answered",
      choice: null,
      digits: null,
      amd: null,
      callId: call.callId,
      durationMs: null,
      nextAttemptAt: null,
      error: null,
    });
    await announce(services, helpers.job.id, chain, "answered", call.callId, null);
    return { outcome: "answered", callId: call.callId };
  } catch (err) {
    const failure = (err as ParleyError).details?.outcome;
    if (failure === undefined) {
      // Not an answer or a refusal but a reason the call could not start (engines loading, no free line): the job retries.
      await ctx.attempts.abandon(a.id, describeError(err));
      throw err;
    }
    const outcome = failure === "busy" ? "busy" : failure === "no_answer" ? "no_answer" : "failed";
    return notAnswered(services, ctx, chain, a.id, outcome, helpers.job.id);
  }
}

/** No answer, busy or a failure: the retry policy, then a last call to leave a voicemail. */
async function notAnswered(
  services: NotifyDeps,
  ctx: NotifyContext,
  chain: Chain,
  attemptId: number,
  outcome: "busy" | "no_answer" | "failed",
  jobId: number,
): Promise<AttemptResult> {
  const policy = services.config.notify.retry;
  const decision = decideRetry(outcome, chain.attempt, policy);
  const wait = decision.retry
    ? decision.afterMs
    : policy[outcome === "busy" ? "busy" : outcome === "no_answer" ? "noAnswer" : "failed"].afterMs;
  // Out of retries: one more call, in voicemail mode, after the usual wait (at least the same window and cap rules apply).
  const mode = decision.retry ? "live" : "voicemail";
  const runAt = services.clock.now() + wait;
  await ctx.attempts.finish(attemptId, {
    outcome,
    choice: null,
    digits: null,
    amd: null,
    callId: null,
    durationMs: null,
    nextAttemptAt: runAt,
    error: null,
  });
  const next = await enqueueCallback(services, {
    ...chain.payload,
    attempt: chain.attempt,
    rootJobId: chain.root,
    mode,
    runAt,
    idempotencyKey: `callback-${chain.root}-${chain.attempt}`,
  });
  await announce(services, jobId, chain, outcome, null, runAt);
  return { outcome, next: mode, nextJobId: next.id, nextAttemptAt: runAt };
}
