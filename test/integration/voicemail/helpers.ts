import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { expect } from "vitest";
import { encodeWav } from "../../../src/audio/wav-encode.js";
import type { TestApp } from "../../helpers/app.js";
import { waitFor } from "../jobs/helpers.js";

/** A voicemail as the API shows it (the fields the tests read). */
export interface VoicemailJson {
  id: number;
  agent: string;
  kind: "voicemail" | "form";
  status: string;
  mailbox: string | null;
  caller: string | null;
  receivedAt: string;
  durationMs: number;
  speechMs: number | null;
  transcript: string | null;
  summary: string | null;
  callerName: string | null;
  callbackNumber: string | null;
  category: string | null;
  tags: string[];
  urgency: number | null;
  urgencyReason: string | null;
  sentiment: string | null;
  recommendedAction: string | null;
  form: { values: Record<string, unknown>; missing: string[]; invalid: unknown[]; summary: string } | null;
  routing: { matched: string[]; actions: unknown[] } | null;
  error: string | null;
  jobId: number | null;
  audioUrl: string;
}

export interface Page {
  items: VoicemailJson[];
  nextCursor: string | null;
}

export type Fields = Record<string, string>;

/** Uploads the recording as the raw body (audio/wav), metadata in the query. */
export function uploadRaw(
  t: TestApp,
  bytes: Uint8Array,
  fields: Fields = {},
  contentType = "audio/wav",
): Promise<Response> {
  const q = new URLSearchParams(fields).toString();
  return t.request(`/v1/voicemails${q ? `?${q}` : ""}`, {
    method: "POST",
    headers: { "content-type": contentType },
    body: bytes,
  });
}

/** Uploads the recording as multipart/form-data: the file in `audio`, metadata as fields. */
export function uploadMultipart(
  t: TestApp,
  bytes: Uint8Array,
  fields: Fields = {},
  file = "message.wav",
): Promise<Response> {
  const form = new FormData();
  form.set("audio", new Blob([bytes], { type: "audio/wav" }), file);
  for (const [k, v] of Object.entries(fields)) form.set(k, v);
  return t.request("/v1/voicemails", { method: "POST", body: form });
}

/** Uploads and expects a 201; returns the stored message. */
export async function upload(t: TestApp, bytes: Uint8Array, fields: Fields = {}): Promise<VoicemailJson> {
  const res = await uploadRaw(t, bytes, fields);
  expect(res.status, await res.clone().text()).toBe(201);
  return ((await res.json()) as { voicemail: VoicemailJson }).voicemail;
}

export async function getJson<T>(t: TestApp, path: string): Promise<T> {
  const res = await t.request(path);
  expect(res.status, `${path}: ${await res.clone().text()}`).toBe(200);
  return (await res.json()) as T;
}

/** Waits until the message has left queued/processing (a worker must be running). */
export function settled(t: TestApp, id: number, timeoutMs = 20_000): Promise<VoicemailJson> {
  return waitFor(
    async () => {
      const v = await getJson<VoicemailJson>(t, `/v1/voicemails/${id}`);
      return ["queued", "processing"].includes(v.status) ? null : v;
    },
    `voicemail ${id} to be processed`,
    timeoutMs,
    25,
  );
}

export async function errorOf(res: Response): Promise<{ code: string; message: string }> {
  return ((await res.json()) as { error: { code: string; message: string } }).error;
}

/**
 * What a test can see of storage: audio files on disk and rows in the tables a bad upload must not touch, read
 * through the store (PostgreSQL with PARLEY_TEST_STORE=postgres).
 */
export async function storage(t: TestApp): Promise<{
  files: number;
  voicemails: number;
  blobs: number;
  jobs: number;
  events: number;
}> {
  const count = async (table: string) =>
    (await t.services.sql.get<{ n: number }>(`SELECT count(*) AS n FROM ${table}`))?.n ?? 0;
  return {
    files: audioFiles(t).length,
    voicemails: await count("voicemails"),
    blobs: await count("audio_blobs"),
    jobs: await count("jobs"),
    events: await count("events"),
  };
}

/** Every file under <dataDir>/audio (temporary files included: a half-written upload would show). */
export function audioFiles(t: TestApp): string[] {
  const root = join(t.dataDir, "audio");
  if (!existsSync(root)) return [];
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name));
}

/** A distinct, valid 16 kHz PCM WAV (a tone whose pitch is the seed), for uploads that need different audio. */
export function toneWav(seed: number, ms = 600): Buffer {
  const rate = 16000;
  const samples = new Float32Array((rate * ms) / 1000);
  for (let i = 0; i < samples.length; i++) samples[i] = 0.2 * Math.sin((2 * Math.PI * (200 + seed) * i) / rate);
  return encodeWav({ channels: [samples], sampleRate: rate });
}

/** A deterministic byte source (xorshift32), so a failing fuzz case can be replayed. */
export function prng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 0x1_0000_0000;
  };
}

export { jobsOf } from "../../helpers/jobs.js";

/** The stored events of a type, oldest first, read through the store (the shared log with store.url). */
export const eventsOf = async (t: TestApp, type: string) =>
  (
    await t.services.sql.all<{ id: number; subject: string; data: string }>(
      "SELECT id, subject, data FROM events WHERE type = ? ORDER BY id",
      [type],
    )
  ).map((e) => ({ ...e, id: Number(e.id), data: JSON.parse(e.data) as Record<string, unknown> }));
