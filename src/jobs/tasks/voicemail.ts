import { z } from "zod";
import type { Services } from "../../server/services.js";
import { VoicemailsRepo } from "../../store/repos/voicemails-repo.js";
import { VOICEMAIL_JOB } from "../../voicemail/ingest.js";
import { processVoicemail } from "../../voicemail/process.js";

const payload = z.object({ voicemailId: z.number().int().positive() });

/** The voicemail.process job kind, and keeping each message's status in step with its job. */
export function registerVoicemailTasks(services: Services): void {
  const repo = new VoicemailsRepo(services.db);
  services.tasks.register(VOICEMAIL_JOB, {
    run: (p: z.infer<typeof payload>, helpers) => processVoicemail(services, p.voicemailId, helpers.signal),
    parsePayload: (raw) => payload.parse(raw),
    // ASR and the LLM: capped by jobs.inferenceConcurrency so voicemails never starve live calls of CPU.
    inference: true,
    timeoutMs: 10 * 60_000,
  });
  const idOf = (p: unknown) => payload.safeParse(p).data?.voicemailId;
  services.queue.events.on("job:retry", ({ job }) => {
    const id = job.kind === VOICEMAIL_JOB ? idOf(job.payload) : undefined;
    if (id) repo.setStatus(id, "queued", services.clock.now());
  });
  services.queue.events.on("job:dead", ({ job, error }) => {
    const id = job.kind === VOICEMAIL_JOB ? idOf(job.payload) : undefined;
    if (!id) return;
    // The message stays, with its audio and the reason, for an operator to retry or read.
    repo.markFailed(id, error.message, services.clock.now());
    services.bus.publish("voicemail.updated", `voicemail:${id}`, { voicemailId: id, status: "failed" });
  });
}
