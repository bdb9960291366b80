import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../helpers/app.js";
import { postgresUnavailable, scratchSchema, testPostgresUrl } from "../../helpers/postgres.js";
import { json, post, waitFor, type JobJson } from "./helpers.js";

/**
 * /v1/callbacks on a real SQLite file: the callbacks promised through the notify feature's port (what live calls,
 * voicemail rules and notification menus call), listed, cancelled and rescheduled; callback.scheduled once each.
 * The clock starts Wednesday 25 Nov 2026 05:00 UTC: outside London's callback hours (08:00-21:00).
 */
const START = "2026-11-25T05:00:00Z";
const LONDON = "+442071230100";
const at = (iso: string) => Date.parse(iso);

interface CallbackJson {
  id: number;
  status: string;
  to: string | null;
  reason: string;
  runAt: string;
  jobId: number;
  error: string | null;
  voicemailId: number | null;
}

const pgSkip = await postgresUnavailable();
// The same on the node's SQLite file and on a PostgreSQL store (store.url: the callbacks shared by the nodes).
const engines = [
  { label: "sqlite", skip: null as string | null, postgres: false },
  { label: pgSkip ? `postgres (skipped: ${pgSkip})` : "postgres", skip: pgSkip, postgres: true },
];

describe.each(engines)("/v1/callbacks on $label", ({ skip, postgres }) => {
  let t: TestApp;
  const schema = scratchSchema();
  beforeAll(async () => {
    if (skip) return;
    const store = postgres ? { store: { url: testPostgresUrl, schema: schema.schema, poolSize: 3 } } : {};
    t = await createTestApp({ config: { clock: { startAt: START }, ...store } });
  }, 120_000);
  afterAll(async () => {
    await t?.close();
    if (postgres && !skip) await schema.drop();
  });

  let seq = 0;
  const promise = (runAt: string, extra: Record<string, unknown> = {}) =>
    t.features.notify.scheduleCallback({
      payload: { to: LONDON, agent: "receptionist", topic: "your boiler", source: "live-call", ...extra },
      runAt: at(runAt),
      idempotencyKey: `test-${++seq}`,
    });
  const scheduledEvents = async () =>
    (await t.services.bus.since(0, 10_000)).filter((e) => e.type === "callback.scheduled");
  const job = (id: number) => json<JobJson>(t.request(`/v1/jobs/${id}`));

  it.skipIf(skip)("lists and gets callbacks, filters by status, pages, and answers 404 and 400 clearly", async () => {
    const a = await promise("2026-11-25T10:00:00Z");
    const b = await promise("2026-11-25T11:00:00Z", { callId: 42, summary: "No hot water." });
    const page = await json<{ items: CallbackJson[]; nextCursor: number | null }>(t.request("/v1/callbacks?limit=1"));
    expect(page.items.map((c) => c.id)).toEqual([b.callbackId]);
    expect(page.nextCursor).toBe(b.callbackId);
    const next = await json<{ items: CallbackJson[] }>(t.request(`/v1/callbacks?limit=1&cursor=${page.nextCursor}`));
    expect(next.items.map((c) => c.id)).toEqual([a.callbackId]);
    expect(await json(t.request(`/v1/callbacks/${b.callbackId}`))).toMatchObject({
      status: "upcoming",
      to: LONDON,
      reason: "your boiler",
      summary: "No hot water.",
      callId: 42,
      source: "live-call",
      runAt: "2026-11-25T11:00:00.000Z",
      jobId: b.jobId,
      attempts: 0,
    });
    const upcoming = await json<{ items: CallbackJson[] }>(t.request("/v1/callbacks?status=upcoming"));
    expect(upcoming.items.map((c) => c.id)).toEqual(expect.arrayContaining([a.callbackId, b.callbackId]));
    expect((await json<{ items: unknown[] }>(t.request("/v1/callbacks?status=placed"))).items).toEqual([]);
    const missing = await t.request("/v1/callbacks/99999");
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: { code: "not_found", message: "no callback 99999" } });
    const bad = await t.request("/v1/callbacks?status=later");
    expect(bad.status).toBe(400);
    expect(JSON.stringify(await bad.json())).toContain("status");
  });

  it.skipIf(skip)("sends callback.scheduled once per callback, however often it is asked for", async () => {
    const before = (await scheduledEvents()).length;
    const request = {
      payload: { to: LONDON, agent: "receptionist", topic: "twice", callId: 77 },
      runAt: at("2026-11-25T12:00:00Z"),
      idempotencyKey: "call-77-callback",
    };
    const first = await t.features.notify.scheduleCallback(request);
    const again = await t.features.notify.scheduleCallback(request);
    expect(again).toEqual({ ...first, created: false });
    const sent = (await scheduledEvents()).slice(before);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({
      subject: "call:77",
      data: { callbackId: first.callbackId, jobId: first.jobId, reason: "twice" },
    });
  });

  it.skipIf(skip)("cancels an upcoming callback and its job; a second cancel is a 409", async () => {
    const c = await promise("2026-11-25T13:00:00Z");
    const res = await t.request(`/v1/callbacks/${c.callbackId}/cancel`, { method: "POST" });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ id: c.callbackId, status: "cancelled" });
    expect((await job(c.jobId)).status).toBe("cancelled");
    const again = await t.request(`/v1/callbacks/${c.callbackId}/cancel`, { method: "POST" });
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({
      error: { code: "callback_invalid_state", message: `cannot cancel callback ${c.callbackId}: it is cancelled` },
    });
  });

  it.skipIf(skip)("refuses to cancel or reschedule a callback already placed (409 naming the call)", async () => {
    const c = await promise("2026-11-25T14:00:00Z");
    // What callback.place records when the person answers (ledger.ts): calling, then placed with the call's id.
    const repo = t.features.notify.context().callbacks;
    const now = Date.now();
    await repo.claim(c.callbackId, c.jobId, now);
    await repo.change(c.callbackId, ["calling"], { status: "placed", placedCallId: 9, lastOutcome: "answered" }, now);
    const res = await t.request(`/v1/callbacks/${c.callbackId}/cancel`, { method: "POST" });
    expect(res.status).toBe(409);
    expect(await res.json()).toMatchObject({
      error: { message: `cannot cancel callback ${c.callbackId}: it was already placed (call 9)` },
    });
    const moved = await t.request(`/v1/callbacks/${c.callbackId}/reschedule`, post({ at: "2026-11-25T15:00:00Z" }));
    expect(moved.status).toBe(409);
  });

  it.skipIf(skip)(
    "reschedules inside the callback hours; outside them, or in the past, is a 400 that names why",
    async () => {
      const c = await promise("2026-11-25T16:00:00Z");
      const night = await t.request(`/v1/callbacks/${c.callbackId}/reschedule`, post({ at: "2026-11-26T03:00:00Z" }));
      expect(night.status).toBe(400);
      const body = (await night.json()) as {
        error: { code: string; message: string; details: Record<string, unknown> };
      };
      expect(body.error.code).toBe("outside_callback_window");
      expect(body.error.message).toContain("outside the callback hours 08:00-21:00 Europe/London");
      expect(body.error.details.firstPossible).toBe("2026-11-26T08:00:00.000Z");
      const past = await t.request(`/v1/callbacks/${c.callbackId}/reschedule`, post({ at: "2026-11-24T10:00:00Z" }));
      expect(past.status).toBe(400);
      expect(((await past.json()) as { error: { message: string } }).error.message).toContain("in the past");
      const garbled = await t.request(`/v1/callbacks/${c.callbackId}/reschedule`, post({ at: "tomorrow" }));
      expect(garbled.status).toBe(400);
      // Nothing moved by the refusals.
      expect((await json<CallbackJson>(t.request(`/v1/callbacks/${c.callbackId}`))).jobId).toBe(c.jobId);

      const ok = await t.request(`/v1/callbacks/${c.callbackId}/reschedule`, post({ at: "2026-11-26T10:30:00Z" }));
      expect(ok.status).toBe(200);
      const moved = (await ok.json()) as CallbackJson;
      expect(moved).toMatchObject({ status: "upcoming", runAt: "2026-11-26T10:30:00.000Z" });
      expect(moved.jobId).not.toBe(c.jobId);
      expect((await job(c.jobId)).status).toBe("cancelled");
      const next = await job(moved.jobId);
      expect(next).toMatchObject({ kind: "callback.place", status: "queued", runAt: "2026-11-26T10:30:00.000Z" });
      expect(next.payload).toMatchObject({ to: LONDON, topic: "your boiler", rootJobId: c.jobId });
    },
  );

  describe("with a worker", () => {
    beforeAll(() => void t?.startWorker());

    it.skipIf(skip)("a callback moved at dial time (outside the hours) is not announced again", async () => {
      const before = (await scheduledEvents()).length;
      // Due now, 05:00 in London: the job finds the hours closed and queues itself for 08:00.
      const c = await promise(START);
      const first = await waitFor(async () => {
        const j = await job(c.jobId);
        return j.status === "succeeded" ? j : null;
      }, "the first callback.place job");
      expect(first.result).toMatchObject({ rescheduled: at("2026-11-25T08:00:00Z") });
      const row = await json<CallbackJson>(t.request(`/v1/callbacks/${c.callbackId}`));
      expect(row).toMatchObject({ status: "upcoming", runAt: "2026-11-25T08:00:00.000Z" });
      expect(row.jobId).toBe((first.result as { jobId: number }).jobId);
      expect((await scheduledEvents()).slice(before)).toHaveLength(1);
    });

    it.skipIf(skip)("a job whose callback was cancelled places nothing, even when it runs", async () => {
      const c = await promise("2026-11-25T17:00:00Z");
      await t.request(`/v1/callbacks/${c.callbackId}/cancel`, { method: "POST" });
      // The job is run anyway (an operator's retry on the Jobs page): the callback's row decides.
      await t.services.queue.retry(c.jobId);
      const done = await waitFor(async () => {
        const j = await job(c.jobId);
        return j.status === "succeeded" ? j : null;
      }, "the retried job");
      expect(done.result).toEqual({ skipped: `callback ${c.callbackId} is cancelled: nothing to place` });
      expect((await json<CallbackJson>(t.request(`/v1/callbacks/${c.callbackId}`))).status).toBe("cancelled");
    });
  });
});
