import { phrasesFor } from "../../agent/phrases/index.js";
import type { NotifyDeps } from "../deps.js";
import { notifyMetrics } from "../metrics.js";
import type { CallbackPayload } from "./enqueue.js";

/** One callback's attempts: the jobs that follow the first carry its id (`root`) and their attempt number. */
export interface Chain {
  payload: CallbackPayload;
  /** E.164 or a SIP URI. */
  to: string;
  /** As the per-day cap and the do-not-call list know it. */
  number: string;
  /** This attempt's number, 1-based. */
  attempt: number;
  root: number;
}

/** "Hello, this is receptionist calling you back about your order.", in the agent's language (English without phrases for it). */
export function callbackGreeting(agent: string, topic: string, language = "en"): string {
  return phrasesFor(language).callback.greeting(agent, topic);
}

/** Counts and announces an attempt's outcome (callback.attempted). */
export async function announce(
  services: NotifyDeps,
  jobId: number,
  chain: Chain,
  outcome: string,
  callId: number | null,
  nextAttemptAt: number | null,
): Promise<void> {
  notifyMetrics(services.registry).attempts.inc({ kind: "callback", outcome });
  await services.bus.publish("callback.attempted", `job:${chain.root}`, {
    jobId,
    to: chain.to,
    attempt: chain.attempt,
    outcome,
    callId,
    nextAttemptAt,
  });
}
