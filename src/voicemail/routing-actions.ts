import type { RoutingDecision } from "../agent/routing.js";
import { describeError } from "../lib/errors.js";
import type { VoicemailDeps } from "./deps.js";
import { VoicemailsRepo, type VoicemailRecord } from "../store/repos/voicemails-repo.js";

/** Carries out a routing decision's webhook and callback actions (status was applied with the results). */
export async function applyRouting(
  services: VoicemailDeps,
  vm: VoicemailRecord,
  decision: RoutingDecision,
  eventId: number,
): Promise<void> {
  for (const action of decision.actions) {
    if (action.type === "webhook") {
      try {
        await services.deliverWebhook(action.endpoint, eventId);
      } catch (err) {
        // A rule naming a missing endpoint must not fail the message: it is logged and the rest still runs.
        services.logger.warn(
          { voicemailId: vm.id, rule: action.rule, endpoint: action.endpoint, err: describeError(err) },
          "routing webhook not delivered",
        );
      }
    } else if (action.type === "callback") {
      const requestedAt = services.clock.now() + action.inMinutes * 60_000;
      const to = vm.callbackNumber ?? vm.caller;
      // The callback rules (hours, days, the daily cap) decide when it can really be placed; later is shown on the message.
      const timing = await services.callbackTimer(to, requestedAt, vm.urgency);
      const runAt = timing.at ?? requestedAt;
      const { jobId, created } = await services.scheduleCallback({
        payload: {
          to,
          agent: vm.agent,
          voicemailId: vm.id,
          reason: vm.summary ?? "a voicemail",
          rule: action.rule,
          ...(vm.urgency !== null ? { urgency: vm.urgency } : {}),
        },
        runAt,
        priority: vm.urgency ?? 0,
        idempotencyKey: `voicemail-${vm.id}-callback`,
        reason: `routing rule ${action.rule}`,
        delay: timing.delay,
      });
      // Announced once (by scheduleCallback): a re-run of the routing (after a crash) finds the callback by its key.
      if (created)
        await new VoicemailsRepo(services.sql).setCallback(vm.id, {
          jobId,
          requestedAt,
          at: timing.at,
          delay: timing.delay,
        });
    }
  }
}
