import { decodeUpload } from "../audio/index.js";
import type { MailboxRoute } from "../agent/registry.js";
import { ParleyError } from "../lib/errors.js";
import { assertCompleteWav } from "./complete-wav.js";
import type { VoicemailDeps } from "./deps.js";
import { AudioStore } from "../store/audio-store.js";
import { VoicemailsRepo, type VoicemailRecord, type VoicemailSource } from "../store/repos/voicemails-repo.js";

import { VOICEMAIL_JOB } from "./kinds.js";

export { VOICEMAIL_JOB };

export interface IncomingMessage {
  bytes: Uint8Array;
  caller?: string | null | undefined;
  mailbox?: string | null | undefined;
  receivedAt?: number | undefined;
  /** Which agent handles it; by default the one that claims the mailbox. */
  agent?: string | undefined;
  /** The caller's name as the PBX gave it (caller ID), when it did. */
  callerName?: string | null | undefined;
  /** Where it came from (default `api`, an upload). */
  source?: VoicemailSource | undefined;
}

export interface IngestResult {
  voicemail: VoicemailRecord;
  /** False when the same audio was uploaded before: nothing new is stored or processed. */
  created: boolean;
}

const clean = (v: string | null | undefined, max = 128): string | null => {
  const t = v?.replace(/[\u0000-\u001f\u007f]/g, "").trim();
  return t ? t.slice(0, max) : null;
};

/**
 * Takes a recording in: validates it (format, size, duration), stores it once
 * by content hash, records the message and queues its processing. A bad file
 * is rejected before anything is stored; a failure after the file is written
 * removes it again, so nothing is ever half-stored.
 */
export async function ingestVoicemail(services: VoicemailDeps, msg: IncomingMessage): Promise<IngestResult> {
  const repo = new VoicemailsRepo(services.sql);
  const sha256 = AudioStore.hash(msg.bytes);
  const existing = await repo.byHash(sha256);
  if (existing) return { voicemail: existing, created: false };

  const decoded = await decodeUpload(msg.bytes, {
    ffmpeg: services.ffmpeg,
    maxBytes: services.config.voicemail.maxBytes,
    maxDurationMs: services.config.voicemail.maxDurationMs,
  });
  assertCompleteWav(msg.bytes);
  // Whole milliseconds: the columns are STRICT INTEGER, and 8 kHz or 11.025 kHz audio has fractional durations.
  const durationMs = Math.round(decoded.durationMs);
  const mailbox = clean(msg.mailbox);
  const route = resolveRoute(services, msg.agent, mailbox);
  const isWav = msg.bytes[0] === 0x52 && msg.bytes[1] === 0x49;
  const path = await services.audio.writeFile(sha256, msg.bytes, isWav ? "wav" : "bin");
  const now = services.clock.now();
  let voicemail: VoicemailRecord;
  try {
    voicemail = await services.sql.transaction(async (tx) => {
      await services.audio.record(
        {
          sha256,
          path,
          bytes: msg.bytes.length,
          contentType: isWav ? "audio/wav" : "application/octet-stream",
          durationMs,
          createdAt: now,
        },
        tx,
      );
      return repo.insert(
        {
          audioSha256: sha256,
          agent: route.agent.name,
          kind: route.kind,
          mailbox,
          caller: clean(msg.caller),
          // Free text from the PBX or the mail (an intake's caller name can be an address or a number): masked under
          // the agent's rules before it is stored. `caller` stays exact: a callback dials it (docs/privacy.md).
          callerName: services.privacy.scrub(route.agent.name, clean(msg.callerName)),
          source: msg.source ?? "api",
          receivedAt: msg.receivedAt ?? now,
          durationMs,
          now,
        },
        tx,
      );
    });
  } catch (err) {
    // Lost a race with an identical upload: that one stands, ours was never stored.
    const winner = await repo.byHash(sha256);
    if (winner) return { voicemail: winner, created: false };
    await services.audio.removeFile(path);
    throw err;
  }
  await queueProcessing(services, voicemail);
  await services.bus.publish("voicemail.received", `voicemail:${voicemail.id}`, {
    voicemailId: voicemail.id,
    agent: voicemail.agent,
    mailbox: voicemail.mailbox,
    caller: voicemail.caller,
    source: voicemail.source,
  });
  return { voicemail: (await repo.get(voicemail.id)) ?? voicemail, created: true };
}

/** Queues (or finds) the processing job; the idempotency key makes this safe to repeat. */
export async function queueProcessing(services: VoicemailDeps, voicemail: VoicemailRecord): Promise<number> {
  const { job } = await services.queue.enqueue({
    kind: VOICEMAIL_JOB,
    payload: { voicemailId: voicemail.id },
    idempotencyKey: `voicemail-${voicemail.id}`,
  });
  await new VoicemailsRepo(services.sql).setJob(voicemail.id, job.id);
  return job.id;
}

/**
 * At start: any message still queued or processing gets its job back (a
 * crash between storing a message and queueing its job loses nothing). A
 * message whose job already ended without it (dead or cancelled while this
 * process was not listening) is marked failed instead of waiting for ever.
 */
export async function requeueUnfinished(services: VoicemailDeps): Promise<number> {
  const repo = new VoicemailsRepo(services.sql);
  const pending = await repo.list({ status: ["queued", "processing"], sort: "newest", limit: 100_000 });
  let queued = 0;
  for (const v of pending) {
    const { job } = await services.queue.enqueue({
      kind: VOICEMAIL_JOB,
      payload: { voicemailId: v.id },
      idempotencyKey: `voicemail-${v.id}`,
    });
    await repo.setJob(v.id, job.id);
    if (job.status === "dead" || job.status === "cancelled") {
      await repo.markFailed(
        v.id,
        job.lastError?.message ?? `processing job ${job.id} was ${job.status}`,
        services.clock.now(),
      );
    } else queued++;
  }
  return queued;
}

/** The agent named by the caller (it must exist), else the one that claims the mailbox. */
function resolveRoute(services: VoicemailDeps, agentName: string | undefined, mailbox: string | null): MailboxRoute {
  if (!agentName) return services.agents.forMailbox(mailbox);
  const entry = services.agents.find(agentName);
  if (!entry) throw new ParleyError("agent_unknown", `no agent named '${agentName}'`, { status: 422 });
  const kind = mailbox !== null && entry.agent.form?.mailboxes.includes(mailbox) ? "form" : "voicemail";
  return { agent: entry.agent, kind };
}
