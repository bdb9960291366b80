import type { DeliveryOutcome } from "../store/records/outbound.js";
import type { NotifyConfig } from "../config/sections/notify.js";

/** What happens after an attempt: try again after a while, or stop with a final status. */
export type RetryDecision = { retry: true; afterMs: number } | { retry: false; status: "completed" | "failed" };

type Rule = NotifyConfig["retry"]["noAnswer"];

const RULES: Partial<Record<DeliveryOutcome, keyof NotifyConfig["retry"]>> = {
  no_answer: "noAnswer",
  busy: "busy",
  delivered_voicemail: "voicemail",
  failed: "failed",
};

/**
 * The retry policy, per outcome (config `notify.retry`): a person reached or
 * an opt-out ends it; no answer, busy and failures are tried again up to
 * `retries` more times; a message left on a machine is done unless the
 * policy asks to try again for a person. `attempts` counts every attempt
 * made so far, this one included. The wait grows from `afterMs`, doubling up
 * to `maxAfterMs` (equal by default, so the wait is fixed).
 */
export function decideRetry(outcome: DeliveryOutcome, attempts: number, policy: NotifyConfig["retry"]): RetryDecision {
  const name = RULES[outcome];
  if (!name) return { retry: false, status: "completed" };
  const rule: Rule = policy[name];
  if (attempts > rule.retries)
    return { retry: false, status: outcome === "delivered_voicemail" ? "completed" : "failed" };
  return { retry: true, afterMs: retryWait(rule, attempts) };
}

/** afterMs * 2^(attempts - 1), capped at maxAfterMs (never below afterMs). */
export function retryWait(rule: Rule, attempts: number): number {
  const grown = rule.afterMs * 2 ** Math.min(30, Math.max(0, attempts - 1));
  return Math.max(rule.afterMs, Math.min(grown, rule.maxAfterMs));
}
