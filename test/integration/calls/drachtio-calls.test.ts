import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CallManager } from "../../../src/calls/call-manager.js";
import { sipSection } from "../../../src/config/sections/sip.js";
import { PortPool } from "../../../src/rtp/index.js";
import { createSipPort, type SipPort } from "../../../src/sip/index.js";
import { CallsRepo, type CallRecord } from "../../../src/store/repos/calls-repo.js";
import { createTestApp, type TestApp } from "../../helpers/app.js";
import { drachtioMissing, startDrachtio, type DrachtioServer } from "../../helpers/drachtio-server.js";
import { sippCall } from "../../helpers/sipp-call.js";
import { fliteMissing, soxMissing, speechUlaw } from "../../helpers/speech.js";
import { sippMissing } from "../notify/sip.js";
import { freePort, freeMediaPort } from "../sip/helpers.js";

/**
 * Live calls with audio over the drachtio driver: SIPp calls a real
 * drachtio-server (../shared/tools/drachtio), the call manager answers with
 * the tiny engines, RTP flows both ways in Parley. Runs wherever that build
 * exists (CI has it); elsewhere it skips and says so.
 */
const skip = drachtioMissing || sippMissing || fliteMissing || soxMissing;
const DTMF_PCAP = "/usr/share/sip-tester/dtmf_2833_1.pcap";

describe.skipIf(skip)(`calls over drachtio-server with the tiny engines${skip ? ` (skipped: ${skip})` : ""}`, () => {
  let server: DrachtioServer;
  let t: TestApp;
  let sip: SipPort;
  let calls: CallManager;

  beforeAll(async () => {
    server = await startDrachtio();
    t = await createTestApp({ engines: "tiny" });
    sip = await createSipPort(
      sipSection.parse({
        driver: "drachtio",
        drachtio: { host: "127.0.0.1", port: server.adminPort, secret: server.secret },
      }),
      { logger: t.services.logger, registry: t.services.registry },
    );
    calls = t.features.calls.attach(sip, new PortPool({ min: 34400, max: 34419 }));
    calls.start();
  });
  afterAll(async () => {
    await calls?.stop();
    await sip?.close();
    await t?.close();
    await server?.stop();
  });

  const settled = async (): Promise<CallRecord> => {
    const repo = new CallsRepo(t.services.sql);
    for (let i = 0; i < 100; i++) {
      const call = (await repo.list({ direction: "inbound", limit: 1 }))[0];
      if (call?.outcome) return call;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error("no call record was settled");
  };

  it("answers, hears the caller's words, and its greeting reaches the caller", async () => {
    const audio = speechUlaw("Hello, I would like to book a table.", { leadSilenceS: 1, tailSilenceS: 3 });
    const mediaPort = await freePort();
    const r = await sippCall(
      `127.0.0.1:${server.sipPort}`,
      { audio, holdMs: 7000, hangup: "caller" },
      { sipPort: await freePort(), mediaPort },
    );
    expect(r.code, r.output + r.errors).toBe(0);
    const call = await settled();
    expect(call.outcome).toBe("caller_hangup");
    const turns = await new CallsRepo(t.services.sql).turns(call.id);
    expect(turns.find((x) => x.role === "user")?.text).toMatch(/^hello i would like/);
    const rtp = call.rtpStats as { latched: { port: number } | null; audioPacketsOut: number };
    expect(rtp.latched?.port).toBe(mediaPort);
    expect(rtp.audioPacketsOut).toBeGreaterThan(50);
  });

  it("takes RFC 4733 DTMF and SIP INFO keys", async () => {
    const r = await sippCall(
      `127.0.0.1:${server.sipPort}`,
      { dtmfPcap: DTMF_PCAP, infoDigits: "7", audioDelayMs: 1500, holdMs: 5000, hangup: "caller" },
      { sipPort: await freePort(), mediaPort: await freeMediaPort() },
    );
    expect(r.code, r.output + r.errors).toBe(0);
    const call = await settled();
    const keys = (await new CallsRepo(t.services.sql).turns(call.id))
      .filter((x) => x.source === "dtmf")
      .map((x) => x.text);
    // The RFC 4733 "1" from the pcap and "7" as SIP INFO 300 ms later (one keypad turn, or two under load).
    const pressed = keys.flatMap((k) => /pressed ([\d*# ]+) on the keypad/.exec(k)?.[1]?.split(" ") ?? []);
    expect(pressed.sort()).toEqual(["1", "7"]);
  });
});
