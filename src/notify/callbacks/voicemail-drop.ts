import type { TaskHelpers } from "../../jobs/index.js";
import { describeError } from "../../lib/errors.js";
import type { NotifyDeps } from "../deps.js";
import { voiceOf, type NotifyContext } from "../context.js";
import { renderMessage } from "../render.js";
import { literalTemplate } from "../templates.js";
import { announce, callbackGreeting, type Chain } from "./chain.js";
import { callbackTopic, type CallbackPayload } from "./enqueue.js";

/**
 * The last try of a callback: a notification call (answering-machine
 * detection on) that leaves the callback message on the recipient's
 * voicemail, or says it to whoever picks up. Whatever its outcome, the
 * callback ends here.
 */
export async function leaveCallbackVoicemail(
  services: NotifyDeps,
  ctx: NotifyContext,
  chain: Chain,
  agent: string,
  helpers: TaskHelpers<CallbackPayload>,
) {
  const text = `${callbackGreeting(agent, callbackTopic(chain.payload))} Sorry we missed you. Please call us back when it suits you.`;
  const rendered = await renderMessage(
    services.ttsCache,
    { text: literalTemplate(text), variables: {}, voice: voiceOf(services, agent) },
    services.config.notify.sentencePauseMs,
    helpers.signal,
  );
  const a = await ctx.attempts.start({
    number: chain.number,
    kind: "callback",
    notificationId: null,
    jobId: helpers.job.id,
    attempt: chain.attempt,
    dialed: true,
    startedAt: services.clock.now(),
  });
  let r;
  try {
    r = await services.dialer.deliver({
      to: chain.to,
      agent,
      parts: rendered.parts,
      amd: true,
      signal: helpers.signal,
    });
  } catch (err) {
    await ctx.attempts.abandon(a.id, describeError(err));
    throw err;
  }
  await ctx.attempts.finish(a.id, {
    outcome: r.outcome,
    choice: r.choice,
    digits: r.digits || null,
    amd: r.amd,
    callId: r.callId,
    durationMs: r.durationMs,
    nextAttemptAt: null,
    error: null,
  });
  await announce(services, helpers.job.id, chain, r.outcome, r.callId, null);
  return { outcome: r.outcome, callId: r.callId, voicemail: true as const };
}
