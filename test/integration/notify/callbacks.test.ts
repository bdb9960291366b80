import { spawnSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CALLBACK_JOB } from "../../../src/notify/kinds.js";
import type { TestApp } from "../../helpers/app.js";
import { machineGreeting } from "../../helpers/callee-audio.js";
import { startCallee } from "../../helpers/sipp-callee.js";
import { fliteMissing, soxMissing, speechUlaw } from "../../helpers/speech.js";
import { freePort, freeMediaPort } from "../sip/helpers.js";
import { json, notifyApp, settledJob, waitFor } from "./helpers.js";
import { attachSip } from "./sip.js";

/**
 * callback.place against SIPp: answered, the agent greets with the reason and
 * the call goes on live; not answered, the retry policy, then a last call
 * leaves the callback message on the answering machine.
 */
const sippMissing = spawnSync("sipp", ["-v"]).error ? "sipp is not installed" : false;

describe.skipIf(sippMissing || fliteMissing || soxMissing)("scheduled callbacks", () => {
  let t: TestApp;
  let detach: () => Promise<void>;
  beforeAll(async () => {
    t = await notifyApp({
      notify: { retry: { busy: { retries: 0, afterMs: 3000 } } },
      calls: { outbound: { ringTimeoutMs: 5000 } },
    });
    detach = await attachSip(t);
    t.startWorker();
  }, 120_000);
  afterAll(async () => {
    await detach?.();
    await t?.close();
  });

  const queue = (to: string, payload: Record<string, unknown>) =>
    t.services.queue.enqueue({ kind: CALLBACK_JOB, payload: { to, agent: "receptionist", ...payload }, runAt: 0 });

  it("greets with the reason and hands the answered call to the live agent", async () => {
    const port = await freePort();
    // Quiet while the agent greets (a "Hello?" over the greeting would barge in), then a word.
    const callee = startCallee(
      { kind: "answer", audio: speechUlaw("Hello?", { leadSilenceS: 4, tailSilenceS: 20 }), holdMs: 60_000 },
      { port, mediaPort: await freeMediaPort(), timeoutS: 60 },
    );
    await new Promise((r) => setTimeout(r, 400));
    try {
      const { job } = await queue(`sip:+442071230100@127.0.0.1:${port}`, {
        topic: "your boiler",
        summary: "No hot water since Monday.",
        callId: 7,
        source: "live-call",
      });
      const done = await settledJob(t, job.id);
      expect(done.result).toMatchObject({ outcome: "answered", callId: expect.any(Number) });
      const callId = (done.result as { callId: number }).callId;
      const call = await waitFor(async () => {
        const c = await json<{
          direction: string;
          context: Record<string, unknown>;
          turns: { source: string; text: string }[];
        }>(t.request(`/v1/calls/${callId}`));
        return c.turns.length > 0 ? c : null;
      }, "the greeting turn");
      expect(call).toMatchObject({
        direction: "outbound",
        context: { source: "callback", topic: "your boiler", summary: "No hot water since Monday.", callId: 7 },
      });
      expect(call.turns[0]).toMatchObject({
        source: "greeting",
        text: "Hello, this is receptionist calling you back about your boiler.",
      });
    } finally {
      callee.kill();
    }
  });

  it("retries a busy line, then leaves the callback message on the machine", async () => {
    const port = await freePort();
    const mediaPort = await freePort();
    const busy = startCallee({ kind: "busy" }, { port, mediaPort, timeoutS: 30 });
    await new Promise((r) => setTimeout(r, 400));
    // A voicemail routing rule's payload: a reason rather than a topic.
    const { job } = await queue(`sip:+442071230101@127.0.0.1:${port}`, {
      voicemailId: 3,
      reason: "A leak under the sink.",
      rule: "emergencies",
    });
    expect((await settledJob(t, job.id)).result).toMatchObject({ outcome: "busy", next: "voicemail" });
    expect((await busy.done).code).toBe(0);
    // The same number now answers with a machine (the last try comes 3 s later, per retry.busy.afterMs).
    const machine = startCallee(
      { kind: "answer", audio: machineGreeting(), holdMs: 40_000 },
      { port, mediaPort, timeoutS: 60 },
    );
    try {
      const last = await waitFor(
        async () =>
          (
            await json<{ items: { id: number; payload: { mode?: string } }[] }>(
              t.request(`/v1/jobs?kind=${CALLBACK_JOB}`),
            )
          ).items.find((j) => j.payload.mode === "voicemail"),
        "the voicemail try",
      );
      const result = (
        await settledJob(t, last.id, 45_000).catch(async (err: unknown) => {
          throw new Error(
            `${String(err)}: ${JSON.stringify(await json(t.request(`/v1/jobs/${last.id}`)))} ${JSON.stringify((await t.services.bus.since(0, 1000)).slice(-5))}`,
          );
        })
      ).result;
      expect(result).toMatchObject({ outcome: "delivered_voicemail", voicemail: true });
      const events = (await t.services.bus.since(0, 1000))
        .filter((e) => e.type === "callback.attempted")
        .map((e) => e.data as { outcome: string; attempt: number });
      expect(events.slice(-2).map((e) => [e.attempt, e.outcome])).toEqual([
        [1, "busy"],
        [2, "delivered_voicemail"],
      ]);
    } finally {
      machine.kill();
    }
  });
});
