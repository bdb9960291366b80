import { encodeWav } from "../../../src/audio/index.js";
import { AudioStore } from "../../../src/store/audio-store.js";
import { CallsRepo } from "../../../src/store/repos/calls-repo.js";
import { VoicemailsRepo, type VoicemailResults } from "../../../src/store/repos/voicemails-repo.js";
import type { Infrastructure } from "../../../src/app/infrastructure.js";

/**
 * Rows as the pipeline leaves them, written through the repositories: the
 * console pages are tested on known content (urgent and routine messages, a
 * call with timed turns, a dead job) without running models.
 */
export async function seedVoicemail(
  services: Infrastructure,
  n: number,
  results: Partial<VoicemailResults>,
  meta: { caller?: string; mailbox?: string } = {},
) {
  const samples = new Int16Array(8000).map((_, i) => Math.round(8000 * Math.sin((i * n) / 10)));
  const bytes = encodeWav({ channels: [samples], sampleRate: 8000 });
  const sha = AudioStore.hash(bytes);
  const path = await services.audio.writeFile(sha, bytes, "wav");
  const now = services.clock.now();
  await services.audio.record({
    sha256: sha,
    path,
    bytes: bytes.length,
    contentType: "audio/wav",
    durationMs: 1000,
    createdAt: now,
  });
  const repo = new VoicemailsRepo(services.sql);
  const v = await repo.insert({
    audioSha256: sha,
    agent: "receptionist",
    kind: "voicemail",
    mailbox: meta.mailbox ?? "100",
    caller: meta.caller ?? `+1555010${n}`,
    receivedAt: now - n * 60_000,
    durationMs: 1000,
    now,
  });
  await repo.saveResults(
    v.id,
    {
      status: "processed",
      speechMs: 900,
      transcript: "Hello, about my order.",
      summary: "Asks about an order",
      callerName: null,
      callbackNumber: null,
      category: "orders",
      tags: ["order"],
      urgency: 2,
      urgencyReason: null,
      sentiment: null,
      action: null,
      form: null,
      extraction: null,
      routing: null,
      ...results,
    },
    now,
  );
  return (await repo.get(v.id))!;
}

export async function seedCall(services: Infrastructure) {
  const calls = new CallsRepo(services.sql);
  const now = services.clock.now();
  const call = await calls.start({
    sipCallId: "seed-1",
    direction: "inbound",
    fromUri: "sip:+15550100@pbx",
    toUri: "sip:receptionist@parley",
    remoteNumber: "+15550100",
    agent: "receptionist",
    startedAt: now - 60_000,
  });
  await calls.answered(call.id, now - 59_000);
  await calls.turn(call.id, {
    index: 0,
    role: "agent",
    text: "Thanks for calling.",
    at: now - 58_000,
    source: "greeting",
  });
  await calls.turn(call.id, { index: 1, role: "user", text: "I need a <plumber>", at: now - 50_000, source: "speech" });
  await calls.turn(call.id, {
    index: 2,
    role: "agent",
    text: "Sure.",
    at: now - 49_000,
    source: "speech",
    timing: { endpointMs: 600, asrFinalMs: 640, llmFirstTokenMs: 790, ttsFirstAudioMs: 850, firstRtpMs: 880 },
  });
  await calls.turn(call.id, { index: 3, role: "user", text: "And tomorrow?", at: now - 45_000, source: "speech" });
  await calls.turn(call.id, {
    index: 4,
    role: "agent",
    text: "Sorry, I didn't catch that. Could you say it again?",
    at: now - 44_000,
    source: "speech",
    failed: true,
    failure: { stage: "llm", message: "llama.cpp <decode> failed" },
    contextFit: {
      promptTokens: 1400,
      limit: 1920,
      fitMs: 2.5,
      trimmed: { tokensBefore: 1930, leftOut: 12, keptToolResults: 1 },
    },
  });
  await calls.end(call.id, {
    endedAt: now - 30_000,
    outcome: "caller_hangup",
    recordingPath: null,
    rtpStats: { codec: "PCMU", packetsIn: 10, packetsOut: 12, lost: 0, late: 0, jitterMs: 1, underruns: 0 },
  });
  return call;
}

/** A job that used its one attempt and failed for good. */
export async function seedDeadJob(services: Infrastructure) {
  const { job } = await services.queue.enqueue({ kind: "console.test", payload: { to: "+15550100" }, maxAttempts: 1 });
  const claimed = await services.queue.claim({
    kinds: ["console.test"],
    workerId: "seed",
    limit: 1,
    order: "priority",
  });
  const running = claimed.jobs[0]!;
  await services.queue.fail(
    { id: running.id, workerId: "seed", attempt: running.attempts },
    new Error("the far end said <no>"),
    false,
  );
  return job;
}
