import { readFile } from "node:fs/promises";
import { extractForm, extractVoicemail } from "../agent/extraction/extract.js";
import { route } from "../agent/routing.js";
import { decodeUpload } from "../audio/index.js";
import { ParleyError } from "../lib/errors.js";
import type { Services } from "../server/services.js";
import { VoicemailsRepo, type VoicemailRecord, type VoicemailResults, type VoicemailStatus } from "../store/repos/voicemails-repo.js";
import { applyRouting } from "./routing-actions.js";
import { trimToSpeech } from "./speech.js";

export interface ProcessOutcome {
  voicemailId: number;
  status: VoicemailStatus;
  speechMs: number;
  transcriptChars: number;
  urgency: number | null;
}

/**
 * The voicemail pipeline: decode, VAD trim (silence ends here, with no LLM
 * call), batch ASR, extraction under the agent's JSON schema, routing rules,
 * then events. Throws on failure; the job retries, and after its last attempt
 * the message is marked failed with the reason (the audio is kept).
 */
export async function processVoicemail(services: Services, voicemailId: number, signal: AbortSignal): Promise<ProcessOutcome | { voicemailId: number; skipped: string }> {
  const repo = new VoicemailsRepo(services.db);
  const vm = repo.get(voicemailId);
  if (!vm) return { voicemailId, skipped: "deleted" };
  if (!["queued", "processing", "failed"].includes(vm.status)) return { voicemailId, skipped: `already ${vm.status}` };
  repo.markProcessing(vm.id, services.clock.now());

  const engines = await services.engines.whenReady(signal);
  const blob = services.audio.get(vm.audioSha256);
  if (!blob) throw new ParleyError("audio_missing", `the recording of voicemail ${vm.id} is missing from the store`, { retryable: false });
  const decoded = await decodeUpload(await readFile(blob.path), { ffmpeg: services.ffmpeg, signal });
  const speech = await trimToSpeech(decoded.samples, decoded.sampleRate, engines.vad, signal);
  if (speech.speechMs < services.config.voicemail.minSpeechMs) return finishSilent(services, repo, vm, speech.speechMs, "");

  const transcript = (await engines.asrBatch.transcribe({ samples: speech.samples, sampleRate: speech.sampleRate }, { signal })).text;
  if (!transcript) return finishSilent(services, repo, vm, speech.speechMs, transcript);

  const agent = services.agents.get(vm.agent);
  const meta = { mailbox: vm.mailbox, caller: vm.caller, receivedAt: new Date(vm.receivedAt).toISOString() };
  const options = { signal, defaultCountryCode: services.config.voicemail.defaultCountryCode };
  const now = services.clock.now();

  if (vm.kind === "form" && agent.form) {
    const form = await extractForm(engines.llm, agent, agent.form.fields, transcript, meta, options);
    const results: VoicemailResults = { ...empty(), status: "processed", speechMs: speech.speechMs, transcript, summary: form.data.summary || null, form: form.data, extraction: { raw: form.raw } };
    repo.saveResults(vm.id, results, now);
    services.bus.publish("form.submitted", `voicemail:${vm.id}`, { voicemailId: vm.id, agent: agent.name, values: form.data.values, missing: form.data.missing });
    services.bus.publish("voicemail.processed", `voicemail:${vm.id}`, { voicemailId: vm.id, status: "processed", urgency: null, category: null, summary: results.summary });
    return { voicemailId: vm.id, status: "processed", speechMs: speech.speechMs, transcriptChars: transcript.length, urgency: null };
  }

  const x = await extractVoicemail(engines.llm, agent, transcript, meta, options);
  const decision = route(agent, { urgency: x.data.urgency, category: x.data.category, tags: x.data.tags, mailbox: vm.mailbox });
  const statusAction = [...decision.actions].reverse().find((a) => a.type === "status");
  const status: VoicemailStatus = statusAction?.type === "status" ? statusAction.status : "processed";
  repo.saveResults(
    vm.id,
    {
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
    },
    now,
  );
  const processed = services.bus.publish("voicemail.processed", `voicemail:${vm.id}`, { voicemailId: vm.id, status, urgency: x.data.urgency, category: x.data.category, summary: x.data.summary });
  let urgentEventId: number | null = null;
  if (x.data.urgency >= 4) {
    urgentEventId = services.bus.publish("voicemail.urgent", `voicemail:${vm.id}`, { voicemailId: vm.id, urgency: x.data.urgency, summary: x.data.summary, callbackNumber: x.data.callback_number, reason: x.data.urgency_reason || null }).id;
  }
  await applyRouting(services, repo.get(vm.id) ?? vm, decision, urgentEventId ?? processed.id);
  return { voicemailId: vm.id, status, speechMs: speech.speechMs, transcriptChars: transcript.length, urgency: x.data.urgency };
}

function empty(): Omit<VoicemailResults, "status" | "speechMs" | "transcript"> {
  return { summary: null, callerName: null, callbackNumber: null, category: null, tags: [], urgency: null, urgencyReason: null, sentiment: null, action: null, form: null, extraction: null, routing: null };
}

function finishSilent(services: Services, repo: VoicemailsRepo, vm: VoicemailRecord, speechMs: number, transcript: string): ProcessOutcome {
  repo.saveResults(vm.id, { ...empty(), status: "silent", speechMs, transcript }, services.clock.now());
  services.bus.publish("voicemail.processed", `voicemail:${vm.id}`, { voicemailId: vm.id, status: "silent", urgency: null, category: null, summary: null });
  return { voicemailId: vm.id, status: "silent", speechMs, transcriptChars: transcript.length, urgency: null };
}
