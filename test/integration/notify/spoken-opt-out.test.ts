import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../helpers/app.js";
import { generatedModel } from "../../helpers/models.js";
import { cacheDir } from "../../helpers/paths.js";
import { startCallee } from "../../helpers/sipp-callee.js";
import { fliteMissing, soxMissing, speechWav } from "../../helpers/speech.js";
import { freePort, freeMediaPort } from "../sip/helpers.js";
import { json, post, START, waitFor } from "./helpers.js";
import { attachSip, sippMissing } from "./sip.js";

/**
 * Opting out by voice: the person picks up ("Hello?"), hears the message and
 * the menu, and says "Stop calling me" instead of pressing a key. The scripted
 * recogniser here says "stop" for every loud chunk, so what is under test is
 * Parley's path from the words heard after the message to the outcome and
 * the do-not-call list, over a real SIPp call.
 */
const RAW = ["-r", "8000", "-c", "1", "-e", "u-law", "-t", "raw"];
const RAW_IN = ["-t", "raw", "-r", "8000", "-c", "1", "-e", "u-law"];

/** "Hello?", 5.5 s of silence while the message and the menu play, then "Stop calling me. Stop.", then silence. */
function helloThenStop(): string {
  const out = join(cacheDir, "test-audio", "callee-hello-then-stop.ulaw");
  execFileSync("sox", [speechWav("Hello?"), ...RAW, `${out}.hello`, "pad", "0.3", "5.5"]);
  execFileSync("sox", [speechWav("Stop calling me. Stop."), ...RAW, `${out}.stop`, "pad", "0", "15"]);
  execFileSync("sox", [...RAW_IN, `${out}.hello`, ...RAW_IN, `${out}.stop`, ...RAW, out]);
  return out;
}

describe.skipIf(sippMissing || fliteMissing || soxMissing)("opting out by voice", () => {
  let t: TestApp;
  let detach: () => Promise<void>;

  beforeAll(async () => {
    const asrStreaming = await generatedModel("tiny-asr-streaming", { words: ["stop"] }, "-stop");
    t = await createTestApp({
      engines: { profile: "tiny", asrStreaming },
      config: { clock: { startAt: START }, calls: { outbound: { ringTimeoutMs: 5000 } } },
    });
    detach = await attachSip(t);
    t.startWorker();
  }, 120_000);
  afterAll(async () => {
    await detach?.();
    await t?.close();
  });

  it("a spoken opt-out word after the message ends the call as opted_out and lists the number", async () => {
    const port = await freePort();
    const callee = startCallee(
      { kind: "answer", audio: helloThenStop(), holdMs: 25_000 },
      { port, mediaPort: await freeMediaPort(), timeoutS: 40 },
    );
    await new Promise((r) => setTimeout(r, 400));
    const number = "+442071239001";
    const created = await json<{ id: number }>(
      t.request(
        "/v1/notifications",
        post({
          to: `sip:${number}@127.0.0.1:${port}`,
          text: "Your parcel arrives tomorrow.",
          menu: { "1": "confirm", "9": "opt_out" },
        }),
      ),
    );
    const done = await waitFor(
      async () => {
        const n = await json<{ status: string; outcome: string; history: { outcome: string; dialed: boolean }[] }>(
          t.request(`/v1/notifications/${created.id}`),
        );
        return ["completed", "failed"].includes(n.status) ? n : null;
      },
      "the notification's end",
      40_000,
    );
    expect(done).toMatchObject({
      status: "completed",
      outcome: "opted_out",
      history: [{ outcome: "opted_out", dialed: true }],
    });
    expect(await t.features.notify.context().dnc.listed(number)).toMatchObject({ number, source: "opt-out-speech" });
    const sipp = await callee.done;
    expect(sipp.code, sipp.output + sipp.errors).toBe(0);
  }, 60_000);
});

/**
 * The same in German (issue 16): the notification's agent speaks German, the
 * callee says "Stopp" (the scripted recogniser hears "stopp"), which is not one
 * of the configured English opt-out words: only the German table's words
 * make it an opt-out.
 */
describe.skipIf(sippMissing || fliteMissing || soxMissing)("opting out by voice in German", () => {
  let t: TestApp;
  let detach: () => Promise<void>;

  beforeAll(async () => {
    const asrStreaming = await generatedModel("tiny-asr-streaming", { words: ["stopp"] }, "-stopp");
    t = await createTestApp({
      engines: { profile: "tiny", asrStreaming },
      config: { clock: { startAt: START }, calls: { outbound: { ringTimeoutMs: 5000 } } },
    });
    await t.services.agents.save({
      name: "benachrichtigung",
      language: "de",
      systemPrompt: "Du benachrichtigst Kunden.",
    });
    detach = await attachSip(t);
    t.startWorker();
  }, 120_000);
  afterAll(async () => {
    await detach?.();
    await t?.close();
  });

  it("'stopp' after a German agent's message ends the call as opted_out and lists the number", async () => {
    expect(t.services.config.notify.optOutWords).not.toContain("stopp");
    const port = await freePort();
    const callee = startCallee(
      { kind: "answer", audio: helloThenStop(), holdMs: 25_000 },
      { port, mediaPort: await freeMediaPort(), timeoutS: 40 },
    );
    await new Promise((r) => setTimeout(r, 400));
    const number = "+442071239002";
    const created = await json<{ id: number }>(
      t.request(
        "/v1/notifications",
        post({
          to: `sip:${number}@127.0.0.1:${port}`,
          agent: "benachrichtigung",
          text: "Ihr Paket kommt morgen.",
          menu: { "1": "confirm", "9": "opt_out" },
        }),
      ),
    );
    const done = await waitFor(
      async () => {
        const n = await json<{ status: string; outcome: string }>(t.request(`/v1/notifications/${created.id}`));
        return ["completed", "failed"].includes(n.status) ? n : null;
      },
      "the notification's end",
      40_000,
    );
    expect(done).toMatchObject({ status: "completed", outcome: "opted_out" });
    expect(await t.features.notify.context().dnc.listed(number)).toMatchObject({ number, source: "opt-out-speech" });
    const sipp = await callee.done;
    expect(sipp.code, sipp.output + sipp.errors).toBe(0);
  }, 60_000);
});
