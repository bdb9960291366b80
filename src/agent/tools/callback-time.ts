import type { ToolServices } from "./types.js";

/** What the callback timer the services carry answers (see notify/callbacks/policy.ts). */
type CallbackTimer = (
  to: string | null,
  requested: number,
) => Promise<{ at: number | null; delay: string | null; why: string | null; atLocal: string | null }>;

/**
 * The schedule_callback tool's check, from the callback timer the notify
 * feature gives the services: a time the callback rules allow, or the first
 * one they do and why the asked-for one does not work. Live calls and the chat
 * playground check the same way.
 */
export function callbackTimeFor(timer: CallbackTimer): NonNullable<ToolServices["callbackTime"]> {
  return async (to, when) => {
    const t = await timer(to, when.getTime());
    if (t.at !== null && t.delay === null) return { ok: true };
    return {
      ok: false,
      reason: t.why ?? "no time is allowed",
      next: t.at === null ? null : new Date(t.at),
      nextLocal: t.atLocal,
    };
  };
}
