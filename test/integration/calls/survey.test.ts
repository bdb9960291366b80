import { execFileSync, spawnSync } from "node:child_process";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sipSection } from "../../../src/config/sections/sip.js";
import { silentLogger } from "../../../src/lib/logger.js";
import { PortPool } from "../../../src/rtp/index.js";
import { createSipPort, type SipPort } from "../../../src/sip/index.js";
import { createTestApp, type TestApp } from "../../helpers/app.js";
import { generatedModel } from "../../helpers/models.js";
import { cacheDir } from "../../helpers/paths.js";
import { startCallee } from "../../helpers/sipp-callee.js";
import { fliteMissing, soxMissing, speechWav } from "../../helpers/speech.js";
import { freePort, freeMediaPort } from "../sip/helpers.js";

/** Voice surveys: an outbound CSAT call answered by keypad or by voice, and the aggregate results. */
const sippMissing = spawnSync("sipp", ["-v"]).error ? "sipp is not installed" : false;

function calleeSays(text: string, leadS: number): string {
  const out = join(cacheDir, "test-audio", `survey-${Buffer.from(text).toString("hex").slice(0, 20)}-${leadS}.ulaw`);
  execFileSync("sox", [
    speechWav(text),
    "-r",
    "8000",
    "-c",
    "1",
    "-e",
    "u-law",
    "-t",
    "raw",
    out,
    "pad",
    String(leadS),
    "10",
  ]);
  return out;
}

describe.skipIf(sippMissing || fliteMissing || soxMissing)("voice surveys", () => {
  let t: TestApp;
  let sip: SipPort;

  beforeAll(async () => {
    // The survey reader answers the survey prompt the way a real model would, under its schema.
    const llm = await generatedModel(
      "tiny-llm",
      { rules: [{ triggers: ["customer"], reply: '{"rating": 4, "comment": "the plumber was late"}' }] },
      "-survey",
    );
    t = await createTestApp({ engines: { profile: "tiny", llm } });
    await t.services.agents.save({
      name: "csat",
      description: "Acme Plumbing",
      systemPrompt: "You run a short survey.",
      survey: {
        name: "after-visit",
        prompt: "How did we do? Press or say a number from one to five.",
        thanks: "Thanks.",
      },
    });
    sip = await createSipPort(sipSection.parse({ listen: { host: "127.0.0.1", port: 0 } }), { logger: silentLogger() });
    t.features.calls.attach(sip, new PortPool({ min: 33400, max: 33499 }));
    t.features.calls.manager!.start();
  });
  afterAll(async () => {
    await t.features.calls.manager?.stop();
    await sip?.close();
    await t?.close();
  });

  const call = async (callee: Parameters<typeof startCallee>[0]) => {
    const port = await freePort();
    const c = startCallee(callee, { port, mediaPort: await freeMediaPort(), timeoutS: 30 });
    await new Promise((r) => setTimeout(r, 400));
    const result = await t.features.calls.survey({
      to: `sip:customer@127.0.0.1:${port}`,
      agent: "csat",
      signal: AbortSignal.timeout(40_000),
    });
    await c.done;
    return result;
  };

  it("takes a rating by keypad", async () => {
    const r = await call({
      kind: "answer",
      audio: calleeSays("Hello?", 0.3),
      dtmfPcap: "/usr/share/sip-tester/dtmf_2833_4.pcap",
      dtmfAfterMs: 5000,
      holdMs: 25_000,
    });
    expect(r.answer).toEqual({ rating: 4, comment: null, channel: "dtmf" });
  });

  it("takes a spoken answer: transcribed, with the rating and comment read from it", async () => {
    const r = await call({ kind: "answer", audio: calleeSays("Four. The plumber was late.", 5), holdMs: 25_000 });
    expect(r.answer).toEqual({ rating: 4, comment: "the plumber was late", channel: "voice" });
  });

  it("aggregates the responses per survey", async () => {
    const res = await t.request("/v1/surveys/after-visit");
    const summary = (await res.json()) as {
      responses: number;
      rated: number;
      averageRating: number;
      distribution: Record<string, number>;
      byChannel: Record<string, number>;
    };
    expect(summary).toMatchObject({ responses: 2, rated: 2, averageRating: 4, byChannel: { dtmf: 1, voice: 1 } });
    expect(summary.distribution["4"]).toBe(2);
    const list = (await (await t.request("/v1/surveys/after-visit/responses")).json()) as {
      items: { rating: number; channel: string }[];
    };
    expect(list.items.map((i) => i.channel)).toEqual(["voice", "dtmf"]);
  });
});
