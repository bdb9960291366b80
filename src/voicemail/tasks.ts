import { z } from "zod";
import type { TaskDefinition } from "../jobs/index.js";
import type { VoicemailDeps } from "./deps.js";
import { VoicemailsRepo } from "../store/repos/voicemails-repo.js";
import { VOICEMAIL_JOB } from "./ingest.js";
import { processVoicemail } from "./process.js";
import type { Job } from "../jobs/types.js";

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
  const repo = new VoicemailsRepo(services.db);
  /** The message of a voicemail job, while it is still waiting for (or in) processing. */
  const pending = (job: Job) => {
    if (job.kind !== VOICEMAIL_JOB) return null;
    const id = payload.safeParse(job.payload).data?.voicemailId;
    const vm = id ? repo.get(id) : null;
    return vm && ["queued", "processing", "failed"].includes(vm.status) && vm.processedAt === null ? vm : null;
  };
  const markFailed = (job: Job, reason: string) => {
    const vm = pending(job);
    if (!vm) return;
    // The message stays, with its audio and the reason, for an operator to retry or read.
    repo.markFailed(vm.id, reason, services.clock.now());
    services.bus.publish("voicemail.updated", `voicemail:${vm.id}`, { voicemailId: vm.id, status: "failed" });
  };
  const requeued = (job: Job) => {
    const vm = pending(job);
    if (vm) repo.setStatus(vm.id, "queued", services.clock.now());
  };
  const events = services.queue.events;
  const detach = [
    events.on("job:retry", ({ job }) => requeued(job)),
    // An operator retried the dead job (POST /v1/jobs/{id}/retry): the message waits for it again.
    events.on("job:requeued", ({ job }) => requeued(job)),
    events.on("job:dead", ({ job, error }) => markFailed(job, error.message)),
    // Cancelled by an operator: without this the message would say "queued" for ever.
    events.on("job:cancelled", ({ job }) => markFailed(job, `processing was cancelled (job ${job.id})`)),
  ];
  return () => detach.forEach((d) => d());
}
