import { setTimeout as sleep } from "node:timers/promises";
import type { TaskHelpers } from "../../jobs/index.js";
import { describeError, ParleyError } from "../../lib/errors.js";
import type { CallbackChange, CallbackRecord } from "../../store/repos/callbacks-repo.js";
import type { NotifyContext } from "../context.js";
import type { CallbackPayload } from "./payload.js";
import { newCallbackRow } from "./schedule-callback.js";

/** How long a new attempt waits for the attempt before it to hand the callback over, and how often it looks. */
const SETTLE_WAIT_MS = 10_000;
const SETTLE_POLL_MS = 50;

/** What one callback.place run did, as callback-task.ts returns it. */
export type AttemptResult =
  | { skipped: string }
  | { outcome: "rejected_dnc" }
  | { outcome: "failed"; reason: string }
  | { rescheduled: number; jobId: number; delay: string | null }
  | { outcome: "answered"; callId: number }
  | { outcome: string; next: "live" | "voicemail"; nextJobId: number; nextAttemptAt: number }
  | { outcome: string; callId: number | null; voicemail: true };

/**
 * Takes the callback for this job (upcoming -> calling), or says why not: cancelled, rescheduled to another job,
 * or already settled. A job queued without a row (an older build, a test) is given one first.
 */
export async function claimCallback(
  ctx: NotifyContext,
  p: CallbackPayload,
  helpers: TaskHelpers<CallbackPayload>,
  now: number,
): Promise<CallbackRecord | { skipped: string }> {
  const job = helpers.job;
  const root = p.rootJobId ?? job.id;
  let row = await ctx.callbacks.byRoot(root);
  if (!row) {
    // scheduleCallback queues the job, then records the callback: a worker woken at once (PostgreSQL's NOTIFY) can
    // get here between the two. Whichever insert comes second finds the other's row, the same callback.
    const added = await ctx.callbacks.insert(newCallbackRow(p, root, job.runAt), now);
    row = added
      ? await ctx.callbacks.change(added.id, ["upcoming"], { status: "upcoming", jobId: job.id }, now)
      : await ctx.callbacks.byRoot(root);
    if (!row) return { skipped: "the callback's record changed as it was made" };
  }
  for (let waited = 0; ; waited += SETTLE_POLL_MS) {
    const claimed = await ctx.callbacks.claim(row.id, job.id, now);
    if (claimed) return claimed;
    const current = await ctx.callbacks.byRoot(root);
    if (!current) break;
    row = current;
    // The attempt before this one hands the callback over to this job only once its own run returns, and a queue
    // that wakes workers at once (PostgreSQL's NOTIFY) can start this job before that. While another job is still
    // calling, wait for it to settle (bounded: a job that died holding it is taken over by its lease) before
    // deciding the callback moved.
    if (waited >= SETTLE_WAIT_MS) break;
    const handedOver = current.status === "upcoming" && current.jobId === job.id;
    if (!handedOver && (current.status !== "calling" || current.jobId === job.id)) break;
    if (!handedOver) await sleep(SETTLE_POLL_MS);
  }
  return {
    skipped:
      row.jobId !== job.id
        ? `callback ${row.id} was moved to job ${row.jobId}`
        : `callback ${row.id} is ${row.status}: nothing to place`,
  };
}

/** What an attempt's result makes of the callback. */
function changeOf(r: AttemptResult, attempt: number): CallbackChange {
  if ("skipped" in r) return { status: "failed", error: r.skipped };
  if ("rescheduled" in r) return { status: "upcoming", jobId: r.jobId, runAt: r.rescheduled };
  if ("next" in r)
    return {
      status: "upcoming",
      jobId: r.nextJobId,
      runAt: r.nextAttemptAt,
      attempts: attempt,
      lastOutcome: r.outcome,
    };
  if ("voicemail" in r) {
    const left = r.outcome.startsWith("delivered");
    return {
      status: left ? "placed" : "failed",
      attempts: attempt,
      lastOutcome: r.outcome,
      placedCallId: r.callId,
      error: left ? null : `the last call, to leave a message, ended ${r.outcome}`,
    };
  }
  if (r.outcome === "answered" && "callId" in r)
    return { status: "placed", attempts: attempt, lastOutcome: "answered", placedCallId: r.callId, error: null };
  if (r.outcome === "rejected_dnc")
    return { status: "failed", lastOutcome: "rejected_dnc", error: "the number is on the do-not-call list" };
  return { status: "failed", error: r.reason };
}

/** Records what this job's attempt did (only while the callback still points at this job). */
export async function settleCallback(
  ctx: NotifyContext,
  callback: CallbackRecord,
  jobId: number,
  r: AttemptResult,
  attempt: number,
  now: number,
): Promise<void> {
  await ctx.callbacks.change(callback.id, ["calling"], changeOf(r, attempt), now, jobId);
}

/** The attempt threw (the job retries, or dies on its last attempt): the callback waits again, or has failed. */
export async function attemptThrew(
  ctx: NotifyContext,
  callback: CallbackRecord,
  helpers: TaskHelpers<CallbackPayload>,
  err: unknown,
  now: number,
): Promise<void> {
  // The worker's rule: a ParleyError is retried only when it says so, any other error always (until the last attempt).
  const retried = !(err instanceof ParleyError) || err.retryable;
  const last = !retried || helpers.job.attempts >= helpers.job.maxAttempts;
  await ctx.callbacks.change(
    callback.id,
    ["calling"],
    { status: last ? "failed" : "upcoming", error: describeError(err) },
    now,
    helpers.job.id,
  );
}
