import type { Span } from "@opentelemetry/api";
import { inSpan } from "../lib/tracing.js";
import { extractForm, extractVoicemail } from "../agent/extraction/extract.js";
import { route } from "../agent/routing.js";
import { decodeUpload } from "../audio/index.js";
import { ParleyError } from "../lib/errors.js";
import type { VoicemailDeps } from "./deps.js";
import {
  VoicemailsRepo,
  type VoicemailRecord,
  type VoicemailResults,
  type VoicemailStatus,
} from "../store/repos/voicemails-repo.js";
import { FINISHED_STATUSES, finishMessage, resumeRouting, type ProcessOutcome } from "./finish.js";
import { knowledgeContext } from "./knowledge-context.js";
import { trimToSpeech } from "./speech.js";
import { readVerified } from "../store/files/index.js";

export type { ProcessOutcome } from "./finish.js";

/**
 * The voicemail pipeline: decode, VAD trim (silence ends here, with no LLM
 * call), batch ASR, extraction under the agent's JSON schema, routing rules,
 * then events. Throws on failure; the job retries, and after its last attempt
 * the message is marked failed with the reason (the audio is kept).
 */
export async function processVoicemail(
  services: VoicemailDeps,
  voicemailId: number,
  signal: AbortSignal,
  span?: Span,
): Promise<ProcessOutcome | { voicemailId: number; skipped: string }> {
  // Each stage is a child span of the job's (no-ops unless tracing is on).
  const stage = <T>(name: string, fn: () => Promise<T>) => inSpan(name, { "voicemail.id": voicemailId }, fn, span);
  const repo = new VoicemailsRepo(services.sql);
  const vm = await repo.get(voicemailId);
  if (!vm) return { voicemailId, skipped: "deleted" };
  // Results saved but the job never completed: the worker died in between. Finish, do not process twice.
  if (vm.processedAt !== null && (FINISHED_STATUSES as readonly string[]).includes(vm.status))
    return resumeRouting(services, vm);
  if (!["queued", "processing", "failed"].includes(vm.status)) return { voicemailId, skipped: `already ${vm.status}` };
  await repo.markProcessing(vm.id, services.clock.now());

  // The agent's language picks the profile's models for it (a languages entry), where there is one, and the
  // language a multilingual Whisper transcribes the message in.
  const language = services.agents.find(vm.agent)?.agent.language;
  const engines = await services.engines.whenReady(signal, language);
  const blob = await services.audio.get(vm.audioSha256);
  if (!blob)
    throw new ParleyError("audio_missing", `the recording of voicemail ${vm.id} is missing from the store`, {
      retryable: false,
    });
  const decoded = await stage("decode", async () =>
    // Verified against its content address: a file another node (or anything else) damaged is never transcribed.
    decodeUpload(await readVerified(blob.path, blob.sha256), { ffmpeg: services.ffmpeg, signal }),
  );
  const speech = await stage("vad-trim", () => trimToSpeech(decoded.samples, decoded.sampleRate, engines.vad, signal));
  if (speech.speechMs < services.config.voicemail.minSpeechMs)
    return finish(services, vm, signal, { ...empty(), status: "silent", speechMs: speech.speechMs, transcript: "" });

  const transcript = (
    await stage("asr", () =>
      engines.asrBatch.transcribe({ samples: speech.samples, sampleRate: speech.sampleRate }, { signal, language }),
    )
  ).text;
  if (!transcript)
    return finish(services, vm, signal, { ...empty(), status: "silent", speechMs: speech.speechMs, transcript });

  const agent = services.agents.get(vm.agent);
  const knowledge = await stage("knowledge", () =>
    knowledgeContext(agent.name, transcript, {
      search: services.searchKnowledge,
      llm: engines.llm,
      logger: services.logger,
      ...services.config.knowledge.voicemailContext,
      signal,
    }),
  );
  const meta = {
    mailbox: vm.mailbox,
    caller: vm.caller,
    receivedAt: new Date(vm.receivedAt).toISOString(),
    ...(knowledge.length ? { knowledge } : {}),
  };
  const options = { signal, defaultCountryCode: services.config.voicemail.defaultCountryCode };

  if (vm.kind === "form" && agent.form) {
    const fields = agent.form.fields;
    const form = await stage("extract-form", () => extractForm(engines.llm, agent, fields, transcript, meta, options));
    const results: VoicemailResults = {
      ...empty(),
      status: "processed",
      speechMs: speech.speechMs,
      transcript,
      summary: form.data.summary || null,
      form: form.data,
      extraction: { raw: form.raw, usage: form.usage },
    };
    return finish(services, vm, signal, results, {
      agent: agent.name,
      values: form.data.values,
      missing: form.data.missing,
    });
  }

  const x = await stage("extract", () => extractVoicemail(engines.llm, agent, transcript, meta, options));
  const decision = route(agent, {
    urgency: x.data.urgency,
    category: x.data.category,
    tags: x.data.tags,
    mailbox: vm.mailbox,
  });
  const statusAction = [...decision.actions].reverse().find((a) => a.type === "status");
  const status: VoicemailStatus = statusAction?.type === "status" ? statusAction.status : "processed";
  return finish(services, vm, signal, {
    status,
    speechMs: speech.speechMs,
    transcript,
    summary: x.data.summary,
    callerName: x.data.caller_name || null,
    callbackNumber: x.data.callback_number,
    category: x.data.category,
    tags: x.data.tags,
    urgency: x.data.urgency,
    urgencyReason: x.data.urgency_reason || null,
    sentiment: x.data.sentiment,
    action: x.data.action,
    form: null,
    extraction: { ...x.data, raw: x.raw, usage: x.usage },
    routing: decision,
  });
}

/** The last check before anything is announced: a job cancelled meanwhile (the message was deleted) publishes nothing. */
function finish(
  services: VoicemailDeps,
  vm: VoicemailRecord,
  signal: AbortSignal,
  results: VoicemailResults,
  form?: Parameters<typeof finishMessage>[3],
): Promise<ProcessOutcome> {
  signal.throwIfAborted();
  return finishMessage(services, vm, results, form);
}

function empty(): Omit<VoicemailResults, "status" | "speechMs" | "transcript"> {
  return {
    summary: null,
    callerName: null,
    callbackNumber: null,
    category: null,
    tags: [],
    urgency: null,
    urgencyReason: null,
    sentiment: null,
    action: null,
    form: null,
    extraction: null,
    routing: null,
  };
}
