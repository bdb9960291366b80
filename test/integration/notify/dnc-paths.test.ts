import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CALLBACK_JOB } from "../../../src/notify/kinds.js";
import type { TestApp } from "../../helpers/app.js";
import { json, notifyApp, post, settledJob, waitFor } from "./helpers.js";
import { attachSip, sippMissing, startCallee, type Callee } from "./sip.js";

/**
 * "A number on the do-not-call list is never dialled, whatever path the job
 * takes": a notification queued before the number was listed, a retry after
 * a busy first attempt, a campaign recipient (new, and on retry), a callback
 * (queued before, and on retry), and the paths outside the outbound jobs:
 * a live call placed through `POST /v1/calls` and an outbound survey. The callee is SIPp answering 486 Busy, so
 * every call that is placed is visible (in SIPp and in the calls table) and
 * is retried under a policy with no wait.
 */
let t: TestApp;
let callee: Callee;
let detach: () => Promise<void>;
const listedOn: Record<string, string> = {};
/** Recipients are SIP URIs at the callee whose user part is the number. */
const listedAfterFirst = (to: string) =>
  Object.entries(listedOn).some(([number, when]) => when === "first-attempt" && to.includes(`${number}@`));
/** Lists a number as an operator would (the API source), through the feature. */
const listNow = (to: string) => t.features.notify.context().dnc.add(to, "api", "test", { actor: "test" });
/** A few seconds ahead on the service clock (which started at START through config). */
const soon = () => t.services.clock.now() + 1500;

beforeAll(async () => {
  t = await notifyApp({
    notify: { retry: { busy: { retries: 2, afterMs: 0 } }, maxAttemptsPerDay: 20 },
    jobs: { maxAttempts: 2 },
  });
  detach = await attachSip(t);
  callee = await startCallee("uas-busy.xml");
  // After the first attempt at a number chosen below, list it: the retry must not dial. A dial guard after the
  // do-not-call one lists it as that first attempt dials, and is awaited: the listing is committed before any retry
  // can run, on PostgreSQL too (a listener on the attempt's event would race the retry there).
  t.features.calls.dialGuards.push(async (to: string) => {
    if (listedAfterFirst(to)) await listNow(to);
  });
  t.startWorker();
}, 120_000);
afterAll(async () => {
  await detach?.();
  await callee?.stop();
  await t?.close();
});

/** Calls placed to a number (the calls table: one row per INVITE sent). */
const callsTo = async (number: string) =>
  (await t.services.sql.get<{ n: number }>("SELECT count(*) AS n FROM calls WHERE to_uri LIKE ?", [`%${number}@%`]))!.n;
const finished = (id: number) =>
  waitFor(
    async () => {
      const n = await json<{ status: string; outcome: string; history: { outcome: string; dialed: boolean }[] }>(
        t.request(`/v1/notifications/${id}`),
      );
      return ["completed", "failed", "rejected_dnc", "cancelled"].includes(n.status) ? n : null;
    },
    `notification ${id}`,
    30_000,
  );

describe.skipIf(sippMissing)("the do-not-call list on every path", () => {
  it("a notification queued before its number was listed is not dialled", async () => {
    const number = "+442071230001";
    const n = await json<{ id: number; status: string }>(
      t.request("/v1/notifications", post({ to: callee.uri(number), text: "Hello.", runAt: soon() })),
    );
    expect(n.status).toBe("scheduled");
    await t.request("/v1/dnc", post({ number }));
    const done = await finished(n.id);
    expect(done).toMatchObject({
      status: "rejected_dnc",
      outcome: "rejected_dnc",
      history: [{ outcome: "rejected_dnc", dialed: false }],
    });
    expect(await callsTo(number)).toBe(0);
  });

  it("a retry after a busy first attempt is not dialled once the number is listed", async () => {
    const number = "+442071230002";
    listedOn[number] = "first-attempt";
    const n = await json<{ id: number }>(
      t.request("/v1/notifications", post({ to: callee.uri(number), text: "Hello." })),
    );
    const done = await finished(n.id);
    expect(
      done.history.map((h) => [h.outcome, h.dialed]),
      JSON.stringify(done),
    ).toEqual([
      ["busy", true],
      ["rejected_dnc", false],
    ]);
    expect(await callsTo(number)).toBe(1);
  });

  it("a campaign never dials a listed recipient, new or on retry", async () => {
    const listedBefore = "+442071230003";
    const listedOnRetry = "+442071230004";
    const free = "+442071230005";
    listedOn[listedOnRetry] = "first-attempt";
    const c = await json<{ id: number }>(
      t.request(
        "/v1/campaigns",
        post({
          name: "dnc",
          text: "Hi {name}.",
          window: { timeZone: "UTC" },
          pacing: { callsPerSecond: 20, maxConcurrent: 3 },
        }),
      ),
    );
    const report = await json<{ imported: number }>(
      t.request(
        `/v1/campaigns/${c.id}/recipients`,
        post([listedBefore, listedOnRetry, free].map((n) => ({ to: callee.uri(n), name: "Sam" }))),
      ),
    );
    expect(report.imported).toBe(3);
    await t.request("/v1/dnc", post({ number: listedBefore })); // after the import, before the start
    await t.request(`/v1/campaigns/${c.id}/start`, { method: "POST" });
    const result = await waitFor(
      async () => {
        const r = await json<{ status: string; progress: { counts: Record<string, number> } }>(
          t.request(`/v1/campaigns/${c.id}`),
        );
        return r.status === "finished" ? r : null;
      },
      "campaign finished",
      30_000,
    );
    expect(
      result.progress.counts,
      JSON.stringify(await json(t.request(`/v1/notifications?campaignId=${c.id}`))),
    ).toMatchObject({ rejected_dnc: 2, failed: 1 });
    expect([await callsTo(listedBefore), await callsTo(listedOnRetry), await callsTo(free)]).toEqual([0, 1, 3]);
  });

  it("a callback queued before its number was listed, or retried after it was, is not dialled", async () => {
    const before = "+442071230006";
    const onRetry = "+442071230007";
    listedOn[onRetry] = "first-attempt";
    const queue = (number: string, runAt: number) =>
      t.services.queue.enqueue({
        kind: CALLBACK_JOB,
        payload: {
          to: callee.uri(number),
          agent: "receptionist",
          topic: "your boiler",
          summary: "asked for a plumber",
          callId: 1,
          source: "live-call",
        },
        runAt,
      });
    const { job: first } = await queue(before, soon());
    await t.request("/v1/dnc", post({ number: before }));
    expect((await settledJob(t, first.id)).result).toEqual({ outcome: "rejected_dnc" });
    expect(await callsTo(before)).toBe(0);

    const { job } = await queue(onRetry, 0);
    expect((await settledJob(t, job.id)).result).toMatchObject({ outcome: "busy", next: "live" });
    const retried = await waitFor(
      async () =>
        (
          await json<{ items: { id: number; payload: { attempt?: number }; status: string; result: unknown }[] }>(
            t.request(`/v1/jobs?kind=${CALLBACK_JOB}`),
          )
        ).items.find((j) => j.payload.attempt === 1 && j.status === "succeeded"),
      "the retry",
    );
    expect(retried.result).toEqual({ outcome: "rejected_dnc" });
    expect(await callsTo(onRetry)).toBe(1);
  });

  it("a number listed between the last check and the dial is refused by the call manager and recorded as rejected_dnc", async () => {
    const number = "+442071230009";
    // A dial guard ahead of the do-not-call one lists the number at the last moment, as an operator's click could.
    const listAtDial = async (to: string) => {
      if (to.includes(`${number}@`)) await listNow(to);
    };
    t.features.calls.dialGuards.unshift(listAtDial);
    try {
      const n = await json<{ id: number }>(
        t.request("/v1/notifications", post({ to: callee.uri(number), text: "Hello." })),
      );
      const done = await finished(n.id);
      expect(done, JSON.stringify(done)).toMatchObject({ status: "rejected_dnc", outcome: "rejected_dnc" });
      expect(done.history.filter((h) => h.dialed)).toEqual([]);
      expect(await callsTo(number)).toBe(0);
    } finally {
      t.features.calls.dialGuards.splice(t.features.calls.dialGuards.indexOf(listAtDial), 1);
    }
  });

  it("a live call or a survey call asked for through the API is refused before any INVITE", async () => {
    const number = "+442071230008";
    await t.request("/v1/dnc", post({ number }));
    const live = await t.request("/v1/calls", post({ to: callee.uri(number), agent: "receptionist" }));
    expect(live.status).toBe(403);
    expect(await live.json()).toMatchObject({ error: { code: "rejected_dnc" } });

    await t.services.agents.save({
      name: "csat",
      systemPrompt: "You run a short survey.",
      survey: { name: "after-visit", prompt: "How did we do?", thanks: "Thanks." },
    });
    const survey = await t.request("/v1/surveys/after-visit/calls", post({ to: callee.uri(number), agent: "csat" }));
    expect(survey.status).toBe(403);
    expect(await survey.json()).toMatchObject({
      error: { code: "rejected_dnc", message: expect.stringContaining(number) },
    });
    expect(await callsTo(number)).toBe(0);
  });
});
