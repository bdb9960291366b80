import type { ToolServices } from "../agent/tools/index.js";
import type { Services } from "../server/services.js";

/**
 * The schedule_callback tool's check, from the callback timer the notify
 * feature gives the services: a time the callback rules allow, or the first
 * one they do and why the asked-for one does not work.
 */
export function callbackTimeFor(services: Pick<Services, "callbackTimer">): NonNullable<ToolServices["callbackTime"]> {
  return (to, when) => {
    const t = services.callbackTimer(to, when.getTime());
    if (t.at !== null && t.delay === null) return { ok: true };
    return { ok: false, reason: t.why ?? "no time is allowed", next: t.at === null ? null : new Date(t.at), nextLocal: t.atLocal };
  };
}
