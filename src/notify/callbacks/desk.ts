import { ParleyError } from "../../lib/errors.js";
import type { CallbackRecord, CallbackStatus } from "../../store/repos/callbacks-repo.js";
import { VoicemailsRepo } from "../../store/repos/voicemails-repo.js";
import { notifyContext } from "../context.js";
import type { NotifyDeps } from "../deps.js";
import { enqueueCallback } from "./enqueue.js";
import type { CallbackPayload } from "./payload.js";
import { callbackTimer } from "./timer.js";

/** The most ahead a callback may be moved: the callback rules are searched a month ahead. */
const MAX_AHEAD_MS = 30 * 24 * 3600_000;
/** A reschedule may name a time this much past the rules' first slot (a minute's rounding). */
const SLACK_MS = 60_000;

/** The promised callbacks as an operator handles them (the API and the console). */
export interface CallbackDesk {
  list(o: {
    status?: CallbackStatus | undefined;
    before?: number | undefined;
    limit: number;
  }): Promise<CallbackRecord[]>;
  get(id: number): Promise<CallbackRecord | null>;
  forVoicemail(voicemailId: number): Promise<CallbackRecord | null>;
  forCall(callId: number): Promise<CallbackRecord | null>;
  /** upcoming -> cancelled, its job cancelled; a 409 names the status that forbids it. */
  cancel(id: number): Promise<CallbackRecord>;
  /** Moves an upcoming callback to `at` (inside the callback rules, or a 400 naming the rule and the first possible time). */
  reschedule(id: number, at: number): Promise<CallbackRecord>;
}

const iso = (ms: number) => new Date(ms).toISOString();

function stateError(c: CallbackRecord, action: string): ParleyError {
  const why =
    c.status === "placed"
      ? `it was already placed${c.placedCallId ? ` (call ${c.placedCallId})` : ""}`
      : c.status === "calling"
        ? "it is being placed now"
        : `it is ${c.status}`;
  return new ParleyError("callback_invalid_state", `cannot ${action} callback ${c.id}: ${why}`, {
    status: 409,
    details: { status: c.status },
  });
}

/** The callbacks desk of these services. Changes are conditional on the row, so a job starting meanwhile has one winner. */
export function callbackDesk(services: NotifyDeps): CallbackDesk {
  const ctx = () => notifyContext(services);
  const find = async (id: number) => {
    const c = await ctx().callbacks.get(id);
    if (!c) throw new ParleyError("not_found", `no callback ${id}`, { status: 404 });
    return c;
  };
  const timer = callbackTimer(services);

  return {
    list: (o) => ctx().callbacks.list(o),
    get: (id) => ctx().callbacks.get(id),
    forVoicemail: (id) => ctx().callbacks.forVoicemail(id),
    forCall: (id) => ctx().callbacks.forCall(id),

    async cancel(id) {
      const c = await find(id);
      const cancelled = await ctx().callbacks.change(id, ["upcoming"], { status: "cancelled" }, services.clock.now());
      if (!cancelled) throw stateError(await find(id), "cancel");
      // The row decides: a job that starts anyway finds it cancelled and places nothing.
      await services.queue.cancel(c.jobId).catch(() => undefined);
      services.logger.info({ callbackId: id, jobId: c.jobId }, "callback cancelled");
      return cancelled;
    },

    async reschedule(id, at) {
      const c = await find(id);
      if (c.status !== "upcoming") throw stateError(c, "reschedule");
      const now = services.clock.now();
      if (at <= now)
        throw new ParleyError("invalid_time", `${iso(at)} is in the past; give a later time`, { status: 400 });
      if (at > now + MAX_AHEAD_MS)
        throw new ParleyError("invalid_time", `${iso(at)} is more than 30 days ahead`, { status: 400 });
      const urgency = typeof c.payload.urgency === "number" ? c.payload.urgency : null;
      const timing = await timer(c.to, at, urgency);
      if (timing.at === null || timing.at > at + SLACK_MS)
        throw new ParleyError(
          "outside_callback_window",
          `${iso(at)} is not allowed: ${timing.why ?? "outside the callback rules"}` +
            (timing.atLocal ? `; the first possible time is ${timing.atLocal}` : ""),
          {
            status: 400,
            details: { firstPossible: timing.at === null ? null : iso(timing.at), firstPossibleLocal: timing.atLocal },
          },
        );
      // The waiting job's payload (its attempt count and mode), moved; the row then points at the new job.
      const waiting = await services.queue.get(c.jobId);
      const payload = { ...((waiting?.payload as CallbackPayload | undefined) ?? c.payload), rootJobId: c.rootJobId };
      const job = await enqueueCallback(services, {
        ...(payload as CallbackPayload),
        runAt: at,
        idempotencyKey: `callback-${c.rootJobId}-moved-${now}`,
      });
      const moved = await ctx().callbacks.change(
        id,
        ["upcoming"],
        { status: "upcoming", jobId: job.id, runAt: at },
        now,
        c.jobId,
      );
      if (!moved) {
        await services.queue.cancel(job.id).catch(() => undefined);
        throw stateError(await find(id), "reschedule");
      }
      await services.queue.cancel(c.jobId).catch(() => undefined);
      if (c.voicemailId) {
        const repo = new VoicemailsRepo(services.sql);
        const before = (await repo.get(c.voicemailId))?.callback;
        await repo.setCallback(c.voicemailId, {
          jobId: job.id,
          requestedAt: before?.requestedAt ?? at,
          at,
          delay: null,
        });
      }
      services.logger.info({ callbackId: id, jobId: job.id, runAt: at }, "callback rescheduled");
      return moved;
    },
  };
}
