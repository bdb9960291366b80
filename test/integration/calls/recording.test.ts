import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { float32ToInt16, sine } from "../../../src/audio/index.js";
import { sipSection } from "../../../src/config/sections/sip.js";
import { silentLogger } from "../../../src/lib/logger.js";
import { PortPool } from "../../../src/rtp/index.js";
import { createSipPort, type SipPort } from "../../../src/sip/index.js";
import { CallsRepo } from "../../../src/store/repos/calls-repo.js";
import { createTestApp, type TestApp } from "../../helpers/app.js";
import { cacheDir } from "../../helpers/paths.js";
import { startCallee } from "../../helpers/sipp-callee.js";
import { fliteMissing, soxMissing, speechWav } from "../../helpers/speech.js";
import { freePort, freeMediaPort } from "../sip/helpers.js";

/**
 * calls.recordAll records every call, not only live conversations: a
 * notification call and a survey call (SIPp callees on 127.0.0.1) each leave
 * a stereo WAV under <files.dir>/recordings (dataDir by default) and its path on the call record.
 */
const sippMissing = spawnSync("sipp", ["-v"]).error ? "sipp is not installed" : false;

function calleeSays(text: string): string {
  const out = join(cacheDir, "test-audio", `recording-${Buffer.from(text).toString("hex").slice(0, 20)}.ulaw`);
  execFileSync("sox", [speechWav(text), "-r", "8000", "-c", "1", "-e", "u-law", "-t", "raw", out, "pad", "0.3", "15"]);
  return out;
}

/** The WAV's channels, rate and data bytes, read from its header. */
function wavInfo(path: string): { channels: number; rate: number; dataBytes: number } {
  const b = readFileSync(path);
  return { channels: b.readUInt16LE(22), rate: b.readUInt32LE(24), dataBytes: b.length - 44 };
}

describe.skipIf(sippMissing || fliteMissing || soxMissing)(
  "calls.recordAll records notification and survey calls",
  () => {
    let t: TestApp;
    let sip: SipPort;

    beforeAll(async () => {
      t = await createTestApp({
        engines: "tiny",
        config: { calls: { recordAll: true, outbound: { ringTimeoutMs: 5000 } } },
      });
      await t.services.agents.save({
        name: "csat",
        description: "Acme Plumbing",
        systemPrompt: "You run a short survey.",
        survey: { name: "after-visit", prompt: "How did we do? Press a number from one to five.", thanks: "Thanks." },
      });
      sip = await createSipPort(sipSection.parse({ listen: { host: "127.0.0.1", port: 0 } }), {
        logger: silentLogger(),
      });
      t.features.calls.attach(sip, new PortPool({ min: 33600, max: 33699 }));
      t.features.calls.manager!.start();
    });
    afterAll(async () => {
      await t.features.calls.manager?.stop();
      await sip?.close();
      await t?.close();
    });

    const expectRecorded = async (callId: number | null) => {
      expect(callId).not.toBeNull();
      const call = await new CallsRepo(t.services.sql).get(callId!);
      // A globally unique name (nodes sharing files.dir number their calls independently).
      expect(call?.recordingPath?.startsWith(join(t.dataDir, "recordings", `call-${callId}-`))).toBe(true);
      expect(call?.recordingPath).toMatch(/-[0-9a-f-]{36}\.wav$/);
      expect(existsSync(call!.recordingPath!)).toBe(true);
      const wav = wavInfo(call!.recordingPath!);
      // Stereo 8 kHz (caller left, agent right), and more than a second of it: the message was played.
      expect(wav).toMatchObject({ channels: 2, rate: 8000 });
      expect(wav.dataBytes).toBeGreaterThan(8000 * 2 * 2);
    };

    it("a notification call is recorded", async () => {
      const port = await freePort();
      const c = startCallee(
        {
          kind: "answer",
          audio: calleeSays("Hello?"),
          dtmfPcap: "/usr/share/sip-tester/dtmf_2833_1.pcap",
          dtmfAfterMs: 4000,
          holdMs: 20_000,
        },
        { port, mediaPort: await freeMediaPort(), timeoutS: 30 },
      );
      await new Promise((r) => setTimeout(r, 400));
      const message = float32ToInt16(sine(440, { sampleRate: 8000, durationMs: 1500, amplitude: 0.3 }));
      const prompt = float32ToInt16(sine(660, { sampleRate: 8000, durationMs: 800, amplitude: 0.3 }));
      const result = await t.features.calls.deliver({
        to: `sip:customer@127.0.0.1:${port}`,
        agent: "receptionist",
        parts: [message],
        menu: { prompt, options: { "1": "confirm" } },
        amd: false,
        signal: AbortSignal.timeout(40_000),
      });
      await c.done;
      expect(result.outcome).toBe("delivered_human");
      await expectRecorded(result.callId);
    });

    it("a survey call is recorded", async () => {
      const port = await freePort();
      const c = startCallee(
        {
          kind: "answer",
          audio: calleeSays("Hello?"),
          dtmfPcap: "/usr/share/sip-tester/dtmf_2833_4.pcap",
          dtmfAfterMs: 5000,
          holdMs: 20_000,
        },
        { port, mediaPort: await freeMediaPort(), timeoutS: 30 },
      );
      await new Promise((r) => setTimeout(r, 400));
      const r = await t.features.calls.survey({
        to: `sip:customer@127.0.0.1:${port}`,
        agent: "csat",
        signal: AbortSignal.timeout(40_000),
      });
      await c.done;
      expect(r.answer.rating).toBe(4);
      await expectRecorded(r.callId);
    });
  },
);
