import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { encodeWav } from "../../../src/audio/wav-encode.js";
import { verifySignature } from "../../../src/lib/signature.js";
import { VoicemailsRepo } from "../../../src/store/repos/voicemails-repo.js";
import { AudioStore } from "../../../src/store/audio-store.js";
import type { Worker } from "../../../src/jobs/index.js";
import { createTestApp, type TestApp } from "../../helpers/app.js";
import { fliteMissing, speechWavBytes, VOICEMAIL_ROUTINE, VOICEMAIL_URGENT } from "../../helpers/speech.js";
import { startReceiver, type Receiver } from "../api/webhook-receiver.js";
import { waitFor } from "../jobs/helpers.js";
import {
  audioFiles,
  eventsOf,
  getJson,
  jobsOf,
  settled,
  toneWav,
  upload,
  uploadMultipart,
  uploadRaw,
  type VoicemailJson,
} from "./helpers.js";

/**
 * The whole voicemail pipeline through the API on the tiny engines: flite
 * speech in, the scripted batch ASR and LLM out (see
 * scripts/test-models/tiny-defaults.ts for what they say).
 */
describe.skipIf(fliteMissing)("voicemail pipeline on the tiny profile", () => {
  let t: TestApp;
  let rx: Receiver;
  let worker: Worker;
  beforeAll(async () => {
    t = await createTestApp({ engines: "tiny", config: { webhooks: { allowHosts: ["127.0.0.1"] } } });
    rx = await startReceiver();
    worker = t.startWorker();
  });
  afterAll(async () => {
    await t?.close();
    await rx?.close();
  });

  it("uploads a raw audio/wav body and triages a routine message as urgency 2", async () => {
    const res = await uploadRaw(t, speechWavBytes(VOICEMAIL_ROUTINE), {
      caller: "+14155550100",
      mailbox: "100",
      received_at: "2026-03-02T09:15:00Z",
    });
    expect(res.status).toBe(201);
    const created = (await res.json()) as { voicemail: VoicemailJson; duplicate: boolean };
    expect(created).toMatchObject({
      duplicate: false,
      voicemail: {
        status: "queued",
        agent: "receptionist",
        kind: "voicemail",
        mailbox: "100",
        caller: "+14155550100",
        receivedAt: "2026-03-02T09:15:00.000Z",
      },
    });
    expect(created.voicemail.durationMs).toBeGreaterThan(1500);

    const v = await settled(t, created.voicemail.id);
    expect(v).toMatchObject({
      status: "processed",
      transcript: expect.stringMatching(/^hello this is alice/),
      summary: "Alice called about her order and asked for a call back.",
      callerName: "Alice",
      callbackNumber: "+14155550123",
      category: "orders",
      tags: ["order", "callback"],
      urgency: 2,
      urgencyReason: "A routine request with no deadline.",
      sentiment: "neutral",
      recommendedAction: "follow_up",
      routing: { matched: [], actions: [] },
      error: null,
    });
    expect(v.speechMs).toBeGreaterThan(1000);
    expect(v.transcript).not.toMatch(/urgent/);
    const [processed] = (await eventsOf(t, "voicemail.processed")).filter((e) => e.subject === `voicemail:${v.id}`);
    expect(processed?.data).toEqual({
      voicemailId: v.id,
      status: "processed",
      urgency: 2,
      category: "orders",
      summary: v.summary,
    });
    expect((await eventsOf(t, "voicemail.urgent")).filter((e) => e.subject === `voicemail:${v.id}`)).toEqual([]);
  });

  it("uploads multipart; an urgent message is escalated, announced, webhooked to on-call and queues a callback", async () => {
    const hook = await t.request("/v1/webhooks", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: "on-call", url: rx.url("/pager"), events: ["voicemail.urgent"] }),
    });
    expect(hook.status).toBe(201);
    const { id: endpointId, secret } = (await hook.json()) as { id: number; secret: string };

    const res = await uploadMultipart(t, speechWavBytes(VOICEMAIL_URGENT), {
      caller: "4155550100",
      mailbox: "frontdesk",
      received_at: "1772442900000",
    });
    expect(res.status).toBe(201);
    const { voicemail } = (await res.json()) as { voicemail: VoicemailJson };
    expect(voicemail).toMatchObject({
      mailbox: "frontdesk",
      caller: "4155550100",
      receivedAt: new Date(1772442900000).toISOString(),
    });

    const v = await settled(t, voicemail.id);
    expect(v).toMatchObject({
      status: "escalated",
      transcript: expect.stringContaining("it is urgent the basement is flooding"),
      category: "emergency",
      tags: ["flooding", "urgent"],
      urgency: 5,
      urgencyReason: "Water damage is happening right now.",
      sentiment: "negative",
      recommendedAction: "escalate",
      callerName: "Alice",
      callbackNumber: "+14155550123",
      routing: { matched: ["emergencies-to-on-call"] },
    });

    const [urgent] = (await eventsOf(t, "voicemail.urgent")).filter((e) => e.subject === `voicemail:${v.id}`);
    expect(urgent?.data).toEqual({
      voicemailId: v.id,
      urgency: 5,
      summary: v.summary,
      callbackNumber: "+14155550123",
      reason: v.urgencyReason,
    });

    // The rule and the endpoint's own subscription name the same event: one delivery, not two.
    await waitFor(
      async () =>
        (await jobsOf(t, "webhook.deliver")).find(
          (j) => j.key === `event-${urgent?.id}-endpoint-${endpointId}` && j.status === "succeeded",
        ),
      "the on-call webhook delivered",
    );
    const deliveries = rx.to("/pager");
    expect(deliveries).toHaveLength(1);
    const body = JSON.parse(deliveries[0]?.body ?? "") as { type: string; data: Record<string, unknown> };
    expect(body).toMatchObject({ id: urgent?.id, type: "voicemail.urgent", data: { voicemailId: v.id, urgency: 5 } });
    expect(
      verifySignature(
        deliveries[0]?.headers["parley-signature"] as string,
        secret,
        deliveries[0]?.body ?? "",
        Math.floor(Date.now() / 1000),
      ),
    ).toBe(true);

    // The callback job itself (placing the call) needs SIP, which this app does not run: only its queueing is ours.
    // Routing runs after the results are saved (the status the test waited for), so its steps may still be under way.
    const callbacks = await waitFor(async () => {
      const jobs = (await jobsOf(t, "callback.place")).filter((j) => j.key === `voicemail-${v.id}-callback`);
      const announced = (await eventsOf(t, "callback.scheduled")).some((e) => e.subject === `voicemail:${v.id}`);
      return jobs.length > 0 && announced ? jobs : null;
    }, "the routing's callback");
    expect(callbacks).toHaveLength(1);
    expect(callbacks[0]?.payload).toMatchObject({
      to: "+14155550123",
      voicemailId: v.id,
      agent: "receptionist",
      rule: "emergencies-to-on-call",
    });
    expect(
      (await eventsOf(t, "callback.scheduled"))
        .filter((e) => e.subject === `voicemail:${v.id}`)
        .map((e) => e.data.jobId),
    ).toEqual([callbacks[0]?.id]);

    // A second run of the same job (its worker died after saving) completes the routing and repeats nothing.
    const again = await t.features.voicemail.process(v.id, AbortSignal.timeout(10_000));
    expect(again).toMatchObject({ voicemailId: v.id, status: "escalated", urgency: 5, resumed: true });
    expect((await eventsOf(t, "voicemail.urgent")).filter((e) => e.subject === `voicemail:${v.id}`)).toHaveLength(1);
    expect((await eventsOf(t, "voicemail.processed")).filter((e) => e.subject === `voicemail:${v.id}`)).toHaveLength(1);
    expect((await jobsOf(t, "callback.place")).filter((j) => j.key === `voicemail-${v.id}-callback`)).toHaveLength(1);
    expect((await eventsOf(t, "callback.scheduled")).filter((e) => e.subject === `voicemail:${v.id}`)).toHaveLength(1);
    expect((await jobsOf(t, "webhook.deliver")).filter((j) => j.key?.endsWith(`-endpoint-${endpointId}`))).toHaveLength(
      1,
    );
  });

  it("ends silence and low noise as `silent` without calling the LLM", async () => {
    const llm = t.services.engines.engines()?.llm;
    if (!llm) throw new Error("engines not loaded");
    const chat = vi.spyOn(llm, "chat");
    const rate = 16000;
    const quiet = new Float32Array(rate * 3);
    const noise = new Float32Array(rate * 3);
    let seed = 7;
    for (let i = 0; i < noise.length; i++)
      noise[i] = 0.004 * (((seed = (seed * 1103515245 + 12345) >>> 0) / 0x1_0000_0000) * 2 - 1);
    try {
      for (const samples of [quiet, noise]) {
        const uploaded = await upload(t, encodeWav({ channels: [samples], sampleRate: rate }), { mailbox: "100" });
        const v = await settled(t, uploaded.id);
        expect(v).toMatchObject({
          status: "silent",
          transcript: "",
          summary: null,
          urgency: null,
          category: null,
          routing: null,
        });
        expect(v.speechMs).toBeLessThan(t.services.config.voicemail.minSpeechMs);
        const row = await new VoicemailsRepo(t.services.sql).get(v.id);
        expect(row?.extraction).toBeNull();
        // The job's result is written when the job completes, just after the message's status.
        const job = await waitFor(
          async () => (await jobsOf(t, "voicemail.process")).find((j) => j.id === v.jobId && j.status === "succeeded"),
          "the voicemail's job to complete",
        );
        expect(job.result).toMatchObject({
          voicemailId: v.id,
          status: "silent",
          transcriptChars: 0,
          urgency: null,
        });
      }
      expect(chat).not.toHaveBeenCalled();
      // The spy does see the model when there is speech.
      const spoken = await upload(t, speechWavBytes("Hello, call me back about my order.", "kal"));
      expect((await settled(t, spoken.id)).status).toBe("processed");
      expect(chat).toHaveBeenCalledTimes(1);
    } finally {
      chat.mockRestore();
    }
  });

  it("stores and processes the same audio once, whichever way it is uploaded", async () => {
    const bytes = speechWavBytes("Hello, this is Bob about my order.", "rms");
    const jobsBefore = (await jobsOf(t, "voicemail.process")).length;
    const filesBefore = audioFiles(t).length;
    const first = await upload(t, bytes, { mailbox: "100" });
    const raw = await uploadRaw(t, bytes, { mailbox: "100" });
    expect(raw.status).toBe(200);
    expect(await raw.json()).toMatchObject({ duplicate: true, voicemail: { id: first.id } });
    const multi = await uploadMultipart(t, bytes, { mailbox: "frontdesk" });
    expect(multi.status).toBe(200);
    expect(await multi.json()).toMatchObject({ duplicate: true, voicemail: { id: first.id, mailbox: "100" } });
    await settled(t, first.id);
    expect((await jobsOf(t, "voicemail.process")).length).toBe(jobsBefore + 1);
    expect(audioFiles(t).length).toBe(filesBefore + 1);
    expect((await eventsOf(t, "voicemail.received")).filter((e) => e.subject === `voicemail:${first.id}`)).toHaveLength(
      1,
    );
  });

  it("keeps a message's status in step with its job when an operator cancels and retries it", async () => {
    await worker.stop({ graceMs: 5000 }); // so the job waits in the queue for the operator
    const v = await upload(t, toneWav(1, 400), { mailbox: "100" });
    const cancel = await t.request(`/v1/jobs/${v.jobId}/cancel`, { method: "POST" });
    expect(cancel.status).toBe(200);
    // The message follows its job's events; on PostgreSQL the handler's write lands a moment after the answer.
    const failed = await waitFor(async () => {
      const got = await getJson<VoicemailJson>(t, `/v1/voicemails/${v.id}`);
      return got.status === "failed" ? got : null;
    }, "the message failed by the cancel");
    expect(failed).toMatchObject({ status: "failed", error: `processing was cancelled (job ${v.jobId})` });
    const retry = await t.request(`/v1/jobs/${v.jobId}/retry`, { method: "POST" });
    expect(retry.status).toBe(200);
    await waitFor(
      async () => (await getJson<VoicemailJson>(t, `/v1/voicemails/${v.id}`)).status === "queued",
      "the message queued again by the retry",
    );
    worker = t.startWorker();
    expect((await settled(t, v.id)).status).toMatch(/^(silent|processed)$/);
  });

  it("re-queues at start a message stored without its job (a crash between insert and enqueue)", async () => {
    const bytes = toneWav(2, 400);
    const sha = AudioStore.hash(bytes);
    const repo = new VoicemailsRepo(t.services.sql);
    // What ingest does up to the crash: the file and the rows, but no job.
    const path = await t.services.audio.writeFile(sha, bytes, "wav");
    const now = Date.now();
    const orphan = await t.services.sql.transaction(async (tx) => {
      await t.services.audio.record(
        { sha256: sha, path, bytes: bytes.length, contentType: "audio/wav", durationMs: 400, createdAt: now },
        tx,
      );
      return repo.insert(
        {
          audioSha256: sha,
          agent: "receptionist",
          kind: "voicemail",
          mailbox: "100",
          caller: null,
          receivedAt: now,
          durationMs: 400,
          now,
        },
        tx,
      );
    });
    expect(orphan.jobId).toBeNull();
    expect(await t.features.voicemail.requeueUnfinished()).toBe(1);
    const v = await settled(t, orphan.id);
    expect(v.jobId).toEqual(expect.any(Number));
    expect((await jobsOf(t, "voicemail.process")).filter((j) => j.key === `voicemail-${orphan.id}`)).toHaveLength(1);
    expect(await t.features.voicemail.requeueUnfinished()).toBe(0);
  });
});
