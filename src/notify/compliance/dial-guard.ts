import { ParleyError } from "../../lib/errors.js";
import type { NotifyDeps } from "../deps.js";
import { notifyContext } from "../context.js";

/**
 * The last line of the do-not-call rule, checked by the call manager right
 * before any outbound INVITE: whatever places the call (a notification, a
 * callback, a survey, `POST /v1/calls`, something added later), a listed
 * number is never dialled. The outbound tasks check earlier too, so that
 * they can record the refusal as their outcome; this catches every other path.
 */
export function doNotCallGuard(services: NotifyDeps): (to: string) => Promise<void> {
  return async (to) => {
    const entry = await notifyContext(services).dnc.listed(to);
    if (entry) {
      throw new ParleyError(
        "rejected_dnc",
        `${entry.number} is on the do-not-call list (${entry.source}); the call was not placed`,
        {
          status: 403,
          details: { outcome: "rejected_dnc" },
        },
      );
    }
  };
}
