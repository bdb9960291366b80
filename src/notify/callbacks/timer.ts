import type { NotifyDeps } from "../deps.js";
import { notifyContext } from "../context.js";
import { normaliseRecipient, recipientZone } from "../recipient.js";
import { dialledNumber } from "../schedule.js";
import { callbackRules, callbackTiming, localLabel, type CallbackTimer } from "./policy.js";

/**
 * The callback timer of these services, handed to the voicemail routing and
 * to live calls' schedule_callback tool (they do not import notify): the same
 * rules the callback task applies when it dials.
 */
export function callbackTimer(services: NotifyDeps): CallbackTimer {
  return async (to, requested, urgency = null) => {
    const cc = services.config.voicemail.defaultCountryCode;
    const recipient = to ? normaliseRecipient(to, cc) : null;
    if (!recipient || "error" in recipient)
      return { at: requested, delay: null, why: null, timeZone: null, atLocal: null }; // nobody to call: the task says so
    const ctx = notifyContext(services);
    const timeZone = recipientZone(services.config.notify, recipient.to, cc);
    const rules = callbackRules(services.config.notify, timeZone, urgency);
    const number = dialledNumber(ctx, recipient.to);
    const timing = await callbackTiming(services.config.notify, rules, requested, (a, b) =>
      ctx.attempts.dials(number, a, b),
    );
    return { ...timing, timeZone, atLocal: timing.at === null ? null : localLabel(timing.at, timeZone) };
  };
}
