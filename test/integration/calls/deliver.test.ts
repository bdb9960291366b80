import { execFileSync, spawnSync } from "node:child_process";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { float32ToInt16, sine } from "../../../src/audio/index.js";
import { PortPool } from "../../../src/rtp/index.js";
import { createSipPort, type SipPort } from "../../../src/sip/index.js";
import { sipSection } from "../../../src/config/sections/sip.js";
import { silentLogger } from "../../../src/lib/logger.js";
import { createTestApp, type TestApp } from "../../helpers/app.js";
import { startCallee } from "../../helpers/sipp-callee.js";
import { fliteMissing, soxMissing, speechWav } from "../../helpers/speech.js";
import { freePort, freeMediaPort } from "../sip/helpers.js";
import { cacheDir } from "../../helpers/paths.js";

/**
 * Notification delivery against SIPp callees on 127.0.0.1: a person who
 * answers and presses 1, an answering machine with a long greeting and a
 * beep, a busy line, and a phone nobody picks up.
 */
const sippMissing = spawnSync("sipp", ["-v"]).error ? "sipp is not installed" : false;
const DTMF_1 = "/usr/share/sip-tester/dtmf_2833_1.pcap";
const DTMF_9 = "/usr/share/sip-tester/dtmf_2833_9.pcap";

/** A callee's voice as headerless mu-law: speech, then (for a machine) a beep, then silence. */
function calleeAudio(text: string, withBeep: boolean): string {
  const out = join(
    cacheDir,
    "test-audio",
    `callee-${withBeep ? "machine" : "human"}-${Buffer.from(text).toString("hex").slice(0, 24)}.ulaw`,
  );
  const wav = speechWav(text);
  const parts = withBeep ? [wav, "-r", "8000", "-c", "1", "-e", "u-law", "-t", "raw", `${out}.speech`] : [];
  if (withBeep) {
    execFileSync("sox", parts);
    execFileSync("sox", [
      "-n",
      "-r",
      "8000",
      "-c",
      "1",
      "-e",
      "u-law",
      "-t",
      "raw",
      `${out}.beep`,
      "synth",
      "0.5",
      "sine",
      "1000",
      "vol",
      "0.5",
    ]);
    execFileSync("sox", [
      "-t",
      "raw",
      "-r",
      "8000",
      "-c",
      "1",
      "-e",
      "u-law",
      `${out}.speech`,
      "-t",
      "raw",
      "-r",
      "8000",
      "-c",
      "1",
      "-e",
      "u-law",
      `${out}.beep`,
      "-t",
      "raw",
      "-r",
      "8000",
      "-c",
      "1",
      "-e",
      "u-law",
      out,
      "pad",
      "0",
      "12",
    ]);
  } else {
    execFileSync("sox", [wav, "-r", "8000", "-c", "1", "-e", "u-law", "-t", "raw", out, "pad", "0.3", "15"]);
  }
  return out;
}

describe.skipIf(sippMissing || fliteMissing || soxMissing)("notification delivery against SIPp callees", () => {
  let t: TestApp;
  let sip: SipPort;
  const message = float32ToInt16(sine(440, { sampleRate: 8000, durationMs: 1500, amplitude: 0.3 }));
  const prompt = float32ToInt16(sine(660, { sampleRate: 8000, durationMs: 800, amplitude: 0.3 }));
  const menu = { prompt, options: { "1": "confirm", "2": "transfer", "9": "opt_out" } as const };

  beforeAll(async () => {
    t = await createTestApp({ engines: "tiny", config: { calls: { outbound: { ringTimeoutMs: 5000 } } } });
    sip = await createSipPort(sipSection.parse({ listen: { host: "127.0.0.1", port: 0 } }), { logger: silentLogger() });
    t.features.calls.attach(sip, new PortPool({ min: 33000, max: 33199 }));
    t.features.calls.manager!.start();
  });
  afterAll(async () => {
    await t.features.calls.manager?.stop();
    await sip?.close();
    await t?.close();
  });

  const deliver = async (callee: Parameters<typeof startCallee>[0], extra: { amd?: boolean } = {}) => {
    const port = await freePort();
    const c = startCallee(callee, { port, mediaPort: await freeMediaPort(), timeoutS: 30 });
    await new Promise((r) => setTimeout(r, 400));
    const result = await t.features.calls.deliver({
      to: `sip:customer@127.0.0.1:${port}`,
      agent: "receptionist",
      parts: [message],
      menu,
      amd: extra.amd ?? true,
      signal: AbortSignal.timeout(40_000),
    });
    const sipp = await c.done;
    return { result, sipp };
  };

  it("a person answers, hears the message and presses 1: delivered_human, confirmed", async () => {
    const { result, sipp } = await deliver({
      kind: "answer",
      audio: calleeAudio("Hello?", false),
      dtmfPcap: DTMF_1,
      dtmfAfterMs: 5500,
      holdMs: 25_000,
    });
    expect(sipp.code, sipp.output + sipp.errors).toBe(0);
    expect(result).toMatchObject({ outcome: "delivered_human", choice: "confirm", digits: "1" });
    expect(result.amd?.verdict).toBe("human");
    expect(result.callId).not.toBeNull();
  });

  it("pressing 9 opts out", async () => {
    const { result } = await deliver({
      kind: "answer",
      audio: calleeAudio("Hello?", false),
      dtmfPcap: DTMF_9,
      dtmfAfterMs: 5500,
      holdMs: 25_000,
    });
    expect(result).toMatchObject({ outcome: "opted_out", choice: "opt_out", digits: "9" });
  });

  it("an answering machine: waits for the beep, then leaves the message", async () => {
    const greeting =
      "Hi, you have reached Alice. I cannot take your call right now. Please leave a message after the tone.";
    const { result, sipp } = await deliver({ kind: "answer", audio: calleeAudio(greeting, true), holdMs: 25_000 });
    expect(sipp.code, sipp.output + sipp.errors).toBe(0);
    expect(result.outcome).toBe("delivered_voicemail");
    expect(result.amd).toMatchObject({ verdict: "machine", beep: true });
    expect(result.amd!.greetingMs).toBeGreaterThan(2000);
  });

  it("a busy line: busy, and no call was answered", async () => {
    const { result, sipp } = await deliver({ kind: "busy" });
    expect(sipp.code, sipp.output + sipp.errors).toBe(0);
    expect(result).toMatchObject({ outcome: "busy", callId: null });
  });

  it("nobody answers: no_answer after the ring timeout (our CANCEL, their 487)", async () => {
    const { result, sipp } = await deliver({ kind: "no-answer" });
    expect(sipp.code, sipp.output + sipp.errors).toBe(0);
    expect(result.outcome).toBe("no_answer");
  });
});
