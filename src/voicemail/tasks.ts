import { z } from "zod";
import type { TaskDefinition } from "../jobs/index.js";
import type { VoicemailDeps } from "./deps.js";
import { VoicemailsRepo } from "../store/repos/voicemails-repo.js";
import { VOICEMAIL_JOB } from "./ingest.js";
import { processVoicemail } from "./process.js";
import type { Job } from "../jobs/types.js";
import { describeError } from "../lib/errors.js";

const payload = z.object({ voicemailId: z.number().int().positive() });

/** The voicemail.process task: the pipeline of one message. */
export function processTask(services: VoicemailDeps): TaskDefinition<z.infer<typeof payload>, unknown> {
  return {
    run: (p, helpers) => processVoicemail(services, p.voicemailId, helpers.signal, helpers.span),
    parsePayload: (raw) => payload.parse(raw),
    // ASR and the LLM: capped by jobs.inferenceConcurrency so voicemails never starve live calls of CPU.
    inference: true,
    timeoutMs: 10 * 60_000,
  };
}

/** Keeps each message's status in step with its job (retried, requeued, dead, cancelled). Returns the detach. */
export function watchVoicemailJobs(services: VoicemailDeps): () => void {
  const repo = new VoicemailsRepo(services.sql);
  /** The message of a voicemail job, while it is still waiting for (or in) processing. */
  const pending = async (job: Job) => {
    if (job.kind !== VOICEMAIL_JOB) return null;
    const id = payload.safeParse(job.payload).data?.voicemailId;
    const vm = id ? await repo.get(id) : null;
    return vm && ["queued", "processing", "failed"].includes(vm.status) && vm.processedAt === null ? vm : null;
  };
  const markFailed = async (job: Job, reason: string) => {
    const vm = await pending(job);
    if (!vm) return;
    // The message stays, with its audio and the reason, for an operator to retry or read.
    await repo.markFailed(vm.id, reason, services.clock.now());
    await services.bus.publish("voicemail.updated", `voicemail:${vm.id}`, { voicemailId: vm.id, status: "failed" });
  };
  const requeued = async (job: Job) => {
    const vm = await pending(job);
    if (vm) await repo.setStatus(vm.id, "queued", services.clock.now());
  };
  // Queue events are told synchronously; the store is not: a failed update is logged, never an unhandled rejection.
  const logged = (what: string, job: Job) => (err: unknown) =>
    services.logger.warn({ jobId: job.id, err: describeError(err) }, `voicemail status not updated (${what})`);
  const events = services.queue.events;
  const detach = [
    events.on("job:retry", ({ job }) => void requeued(job).catch(logged("retry", job))),
    // An operator retried the dead job (POST /v1/jobs/{id}/retry): the message waits for it again.
    events.on("job:requeued", ({ job }) => void requeued(job).catch(logged("requeued", job))),
    events.on("job:dead", ({ job, error }) => void markFailed(job, error.message).catch(logged("dead", job))),
    // Cancelled by an operator: without this the message would say "queued" for ever.
    events.on(
      "job:cancelled",
      ({ job }) => void markFailed(job, `processing was cancelled (job ${job.id})`).catch(logged("cancelled", job)),
    ),
  ];
  return () => detach.forEach((d) => d());
}
