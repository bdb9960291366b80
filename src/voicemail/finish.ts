import type { RoutingDecision } from "../agent/routing.js";
import type { VoicemailDeps } from "./deps.js";
import { VoicemailsRepo, type VoicemailRecord, type VoicemailResults } from "../store/repos/voicemails-repo.js";
import { applyRouting } from "./routing-actions.js";

/** Statuses a message has once its results are saved (routing and operators move it between them). */
export const FINISHED_STATUSES = ["processed", "silent", "escalated", "handled", "archived"] as const;

export interface ProcessOutcome {
  voicemailId: number;
  status: VoicemailResults["status"];
  speechMs: number | null;
  transcriptChars: number;
  urgency: number | null;
  /** True when this run found the results already saved (its predecessor died before finishing) and only completed the routing. */
  resumed?: boolean;
}

export interface FormAnnouncement {
  agent: string;
  values: Record<string, unknown>;
  missing: string[];
}

/**
 * Saves a message's results and publishes its events in one transaction, so
 * a crash leaves either nothing (the job runs again from the start) or both;
 * the webhook fan-out queues its deliveries inside the same transaction.
 * The events are stored in that transaction too (the one log of every node
 * with `store.url`), and the event streams are woken once it commits.
 * Routing actions (a named webhook, a callback job) follow; they are
 * idempotent, and a re-run after a crash here completes them (`resumeRouting`).
 */
export async function finishMessage(
  services: VoicemailDeps,
  vm: VoicemailRecord,
  results: VoicemailResults,
  form?: FormAnnouncement,
): Promise<ProcessOutcome> {
  results = scrubResults(services, vm, results);
  if (form) form = services.privacy.scrub(vm.agent, form);
  const repo = new VoicemailsRepo(services.sql);
  const subject = `voicemail:${vm.id}`;
  const triggerEventId = await services.sql.transaction(async (tx) => {
    await repo.saveResults(vm.id, results, services.clock.now(), tx);
    if (form) await services.bus.publish("form.submitted", subject, { voicemailId: vm.id, ...form }, tx);
    const processed = await services.bus.publish(
      "voicemail.processed",
      subject,
      {
        voicemailId: vm.id,
        status: results.status,
        urgency: results.urgency,
        category: results.category,
        summary: results.summary,
      },
      tx,
    );
    if (results.urgency === null || results.urgency < 4) return processed.id;
    const urgent = await services.bus.publish(
      "voicemail.urgent",
      subject,
      {
        voicemailId: vm.id,
        urgency: results.urgency,
        summary: results.summary,
        callbackNumber: results.callbackNumber,
        reason: results.urgencyReason,
      },
      tx,
    );
    return urgent.id;
  });
  services.bus.committed();
  const decision = results.routing as RoutingDecision | null;
  if (decision) await applyRouting(services, (await repo.get(vm.id)) ?? vm, decision, triggerEventId);
  return outcome(vm.id, results.status, results.speechMs, results.transcript, results.urgency);
}

/**
 * The results as they may be stored: transcript, summary, extraction and form
 * masked under the agent's privacy rules. The callback number stays exact: it
 * is the number a callback job dials (events and webhooks mask it again).
 */
function scrubResults(services: VoicemailDeps, vm: VoicemailRecord, results: VoicemailResults): VoicemailResults {
  return { ...services.privacy.scrub(vm.agent, results), callbackNumber: results.callbackNumber };
}

/**
 * A run that finds the results already saved: the previous attempt died
 * between saving and completing its job. Nothing is extracted or published
 * again; the routing actions are re-applied (their idempotency keys make a
 * second webhook or callback job impossible).
 */
export async function resumeRouting(services: VoicemailDeps, vm: VoicemailRecord): Promise<ProcessOutcome> {
  const events = await services.bus.bySubject(`voicemail:${vm.id}`);
  const trigger =
    events.filter((e) => e.type === "voicemail.urgent").pop() ??
    events.filter((e) => e.type === "voicemail.processed").pop();
  const decision = vm.routing as RoutingDecision | null;
  if (decision && trigger) await applyRouting(services, vm, decision, trigger.id);
  return { ...outcome(vm.id, vm.status, vm.speechMs, vm.transcript, vm.urgency), resumed: true };
}

function outcome(
  voicemailId: number,
  status: ProcessOutcome["status"],
  speechMs: number | null,
  transcript: string | null,
  urgency: number | null,
): ProcessOutcome {
  return { voicemailId, status, speechMs, transcriptChars: transcript?.length ?? 0, urgency };
}
