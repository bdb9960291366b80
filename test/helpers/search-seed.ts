import { createHash } from "node:crypto";
import { CallsRepo } from "../../src/store/repos/calls-repo.js";
import type { SqlStore } from "../../src/store/sql/index.js";

let seq = 0;

/** A processed voicemail row (and the audio row it references; no file) with this transcript and summary. */
export async function seedVoicemail(
  sql: SqlStore,
  v: {
    transcript: string | null;
    summary: string | null;
    urgency?: number;
    status?: string;
    receivedAt?: number;
    caller?: string;
  },
): Promise<number> {
  const sha = createHash("sha256").update(`seed-${process.pid}-${++seq}-${Math.random()}`).digest("hex");
  const now = v.receivedAt ?? Date.now();
  await sql.run(
    "INSERT INTO audio_blobs (sha256, path, bytes, content_type, duration_ms, created_at) VALUES (?, ?, 0, 'audio/wav', 1000, ?)",
    [sha, `/nonexistent/${sha}.wav`, now],
  );
  const row = await sql.get<{ id: number }>(
    `INSERT INTO voicemails (audio_sha256, agent, kind, caller, received_at, status, duration_ms, transcript, summary,
       urgency, created_at, updated_at)
     VALUES (?, 'receptionist', 'voicemail', ?, ?, ?, 1000, ?, ?, ?, ?, ?) RETURNING id`,
    [sha, v.caller ?? "+15550100", now, v.status ?? "processed", v.transcript, v.summary, v.urgency ?? null, now, now],
  );
  return row!.id;
}

/** An ended inbound call whose turns say these lines (caller and agent in turn). */
export async function seedCall(sql: SqlStore, lines: string[], o: { startedAt?: number } = {}): Promise<number> {
  const calls = new CallsRepo(sql);
  const at = o.startedAt ?? Date.now();
  const call = await calls.start({
    sipCallId: `seed-${++seq}`,
    direction: "inbound",
    fromUri: "sip:+15550101@127.0.0.1",
    toUri: "sip:parley@127.0.0.1",
    remoteNumber: "+15550101",
    agent: "receptionist",
    startedAt: at,
  });
  for (const [index, text] of lines.entries())
    await calls.turn(call.id, { index, role: index % 2 ? "agent" : "user", text, at: at + index });
  await calls.end(call.id, {
    endedAt: at + lines.length + 1,
    outcome: "caller_hangup",
    recordingPath: null,
    rtpStats: null,
  });
  return call.id;
}
