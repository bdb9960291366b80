import type { Span } from "@opentelemetry/api";
import type { FeatureJobs } from "../jobs/index.js";
import type { VoicemailDeps } from "./deps.js";
import { ingestVoicemail, requeueUnfinished, type IncomingMessage, type IngestResult } from "./ingest.js";
import { processVoicemail } from "./process.js";
import { VOICEMAIL_JOB } from "./kinds.js";
import { processTask, watchVoicemailJobs } from "./tasks.js";
import { retryVoicemail } from "./retry.js";
import type { VoicemailRecord } from "../store/repos/voicemails-repo.js";

/** The voicemail feature as the API, the CLI and the other features (through app/) see it. */
export interface Voicemail extends FeatureJobs {
  /** Takes a recording in (upload, a message left on a call, e-mail): validated, stored once, queued. */
  ingest(msg: IncomingMessage): Promise<IngestResult>;
  /** Runs the pipeline of one message now (the voicemail.process task does this on a worker). */
  process(voicemailId: number, signal: AbortSignal, span?: Span): ReturnType<typeof processVoicemail>;
  /** At start: messages still queued or processing get their job back. Resolves with how many were queued. */
  requeueUnfinished(): Promise<number>;
  /** An operator's Retry of a failed message: its pipeline runs again (404 unknown, 409 when it has not failed). */
  retry(voicemailId: number): Promise<VoicemailRecord>;
}

/**
 * The voicemail feature over its own dependencies. Callback timing and a routing rule's webhook are ports
 * (`callbackTimer`, `deliverWebhook`) that app/ wires to the notify and webhooks features.
 */
export function createVoicemail(deps: VoicemailDeps): Voicemail {
  return {
    ingest: (msg) => ingestVoicemail(deps, msg),
    process: (id, signal, span) => processVoicemail(deps, id, signal, span),
    requeueUnfinished: () => requeueUnfinished(deps),
    retry: (id) => retryVoicemail(deps, id),
    tasks: { [VOICEMAIL_JOB]: processTask(deps) },
    watch: () => watchVoicemailJobs(deps),
  };
}
