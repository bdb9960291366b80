import { ParleyError } from "../lib/errors.js";
import { VoicemailsRepo, type VoicemailRecord } from "../store/repos/voicemails-repo.js";
import type { VoicemailDeps } from "./deps.js";
import { VOICEMAIL_JOB } from "./kinds.js";

/** Statuses of a processing job that may be retried (queue.retry); a job that ended otherwise gets a new one. */
const RETRYABLE = new Set(["dead", "failed", "cancelled"]);

/**
 * An operator's Retry of a failed message: its pipeline runs again from the stored audio. The message's job is
 * retried when it died or was cancelled; otherwise (it succeeded with a failed result, or is gone) a new job is
 * queued. The message is queued again at once and `voicemail.updated` says so.
 */
export async function retryVoicemail(services: VoicemailDeps, id: number): Promise<VoicemailRecord> {
  const repo = new VoicemailsRepo(services.sql);
  const vm = await repo.get(id);
  if (!vm) throw new ParleyError("not_found", `no voicemail ${id}`, { status: 404 });
  if (vm.status !== "failed")
    throw new ParleyError("conflict", `voicemail ${id} is ${vm.status}; only a failed message can be retried`, {
      status: 409,
    });
  const job = vm.jobId ? await services.queue.get(vm.jobId) : null;
  if (job && RETRYABLE.has(job.status)) await services.queue.retry(job.id);
  else {
    const { job: fresh } = await services.queue.enqueue({
      kind: VOICEMAIL_JOB,
      payload: { voicemailId: id },
      idempotencyKey: `voicemail-${id}-retry-${services.clock.now()}`,
    });
    await repo.setJob(id, fresh.id);
  }
  await repo.setStatus(id, "queued", services.clock.now());
  await services.bus.publish("voicemail.updated", `voicemail:${id}`, { voicemailId: id, status: "queued" });
  services.logger.info({ voicemailId: id, jobId: job?.id ?? null }, "voicemail retried");
  return (await repo.get(id)) ?? vm;
}
