import { createSocket } from "node:dgram";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CallManager } from "../../../src/calls/call-manager.js";
import { sipSection } from "../../../src/config/sections/sip.js";
import { parseRtp, serializeRtp } from "../../../src/rtp/packet.js";
import { PortPool } from "../../../src/rtp/index.js";
import { createSipPort, type SipPort } from "../../../src/sip/index.js";
import { CallsRepo, type CallRecord } from "../../../src/store/repos/calls-repo.js";
import { createTestApp, type TestApp } from "../../helpers/app.js";
import { sippCall } from "../../helpers/sipp-call.js";
import { fliteMissing, soxMissing, speechUlaw } from "../../helpers/speech.js";
import { sippMissing } from "../notify/sip.js";
import { captureLogger, freePort, freeMediaPort, runSipp } from "../sip/helpers.js";

/**
 * Inbound calls through the call manager with the tiny engines, from SIPp on
 * loopback: a delayed offer with real speech, keys sent as SIP INFO, an
 * INVITE flood that never ACKs while a normal call comes in, a stranger who
 * sprays the RTP ports before the caller's first packet, and the log lines
 * of INVITEs refused for lack of an RTP port.
 */
const skip = sippMissing || fliteMissing || soxMissing;
const PORTS = { min: 34000, max: 34039 }; // 20 even ports

interface Setup {
  t: TestApp;
  sip: SipPort;
  calls: CallManager;
  pool: PortPool;
}

async function setup(o: {
  maxCalls: number;
  ports: { min: number; max: number };
  sip?: Record<string, unknown>;
  logger?: TestApp["services"]["logger"];
}): Promise<Setup> {
  const t = await createTestApp({
    engines: "tiny",
    config: { calls: { maxCalls: o.maxCalls } },
    ...(o.logger ? { logger: o.logger } : {}),
  });
  const sip = await createSipPort(
    sipSection.parse({ listen: { host: "127.0.0.1", port: 0 }, rateLimit: { perSecond: 0 }, ...o.sip }),
    { logger: t.services.logger, registry: t.services.registry },
  );
  const pool = new PortPool(o.ports);
  const calls = t.features.calls.attach(sip, pool);
  calls.start();
  return { t, sip, calls, pool };
}

async function teardown(s: Setup | undefined): Promise<void> {
  await s?.calls.stop();
  await s?.sip.close();
  await s?.t.close();
}

/** The newest inbound call record (from 127.0.0.1 unless told) once its session has written the outcome. */
async function settled(t: TestApp, from = "@127.0.0.1"): Promise<CallRecord> {
  const repo = new CallsRepo(t.services.sql);
  for (let i = 0; i < 100; i++) {
    const call = (await repo.list({ direction: "inbound", limit: 500 })).find((c) => c.sipCallId.endsWith(from));
    if (call?.outcome) return call;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("no call record was settled");
}

describe.skipIf(skip)("inbound calls through the call manager (tiny engines, SIPp callers)", () => {
  let s: Setup;
  beforeAll(async () => {
    s = await setup({
      maxCalls: 6,
      ports: PORTS,
      sip: { maxUnacknowledgedPerSource: 3, timers: { ackTimeoutMs: 2000 } },
    });
  });
  afterAll(() => teardown(s));

  const target = () => `127.0.0.1:${s.sip.local.port}`;

  it("a delayed offer (INVITE without SDP): our offer in the 200, the ACK's answer used; the caller is heard and hears us", async () => {
    const audio = speechUlaw("Hello, I would like to book a table.", { leadSilenceS: 1, tailSilenceS: 3 });
    const mediaPort = await freePort();
    const r = await sippCall(
      target(),
      { offer: "delayed", audio, holdMs: 7000, hangup: "caller" },
      { sipPort: await freePort(), mediaPort },
    );
    expect(r.code, r.output + r.errors).toBe(0);
    const call = await settled(s.t);
    expect(call.outcome).toBe("caller_hangup");
    const turns = await new CallsRepo(s.t.services.sql).turns(call.id);
    expect(turns.find((x) => x.role === "user")?.text).toMatch(/^hello i would like/);
    const rtp = call.rtpStats as {
      codec: string;
      sdpRemote: { port: number };
      latched: { port: number } | null;
      audioPacketsOut: number;
    };
    expect(rtp.codec).toBe("pcmu");
    expect(rtp.sdpRemote.port).toBe(mediaPort); // from the ACK's SDP
    expect(rtp.latched?.port).toBe(mediaPort);
    expect(rtp.audioPacketsOut).toBeGreaterThan(50); // the greeting went to the caller
  });

  it("keys sent as SIP INFO (application/dtmf-relay) reach the agent like RFC 4733 digits", async () => {
    const r = await sippCall(
      target(),
      { infoDigits: "1", audioDelayMs: 1500, holdMs: 5000, hangup: "caller" },
      { sipPort: await freePort(), mediaPort: await freeMediaPort() },
    );
    expect(r.code, r.output + r.errors).toBe(0);
    const call = await settled(s.t);
    const turns = await new CallsRepo(s.t.services.sql).turns(call.id);
    expect(turns.find((x) => x.role === "user")).toMatchObject({
      source: "dtmf",
      text: "(The caller pressed 1 on the keypad.)",
    });
  });

  it("a stranger spraying every RTP port before the caller's first packet gets none of the greeting and is not latched to", async () => {
    const stranger = createSocket("udp4");
    await new Promise<void>((resolve) => stranger.bind(0, "127.0.0.2", () => resolve()));
    let rtpReceived = 0;
    stranger.on("message", (buf) => {
      if (parseRtp(buf).ok) rtpReceived++;
    });
    let seq = 0;
    const spray = setInterval(() => {
      for (let p = PORTS.min; p <= PORTS.max; p += 2) {
        stranger.send(
          serializeRtp({
            payloadType: 0,
            sequence: seq,
            timestamp: seq * 160,
            ssrc: 0xbad,
            payload: new Uint8Array(160).fill(0xff),
          }),
          p,
          "127.0.0.1",
        );
      }
      seq++;
    }, 20);
    try {
      // The caller stays silent for 2.5 s (no RTP): the greeting plays meanwhile, and the stranger sprays.
      const audio = speechUlaw("Hello?", { leadSilenceS: 0.5, tailSilenceS: 1 });
      const r = await sippCall(
        target(),
        { audio, audioDelayMs: 2500, holdMs: 5000, hangup: "caller" },
        { sipPort: await freePort(), mediaPort: await freeMediaPort() },
      );
      expect(r.code, r.output + r.errors).toBe(0);
    } finally {
      clearInterval(spray);
    }
    await new Promise((r) => setTimeout(r, 200));
    stranger.close();
    const call = await settled(s.t);
    const rtp = call.rtpStats as {
      latched: { address: string } | null;
      dropped: { foreign_source: number };
      audioPacketsOut: number;
    };
    expect(rtpReceived).toBe(0);
    expect(rtp.latched?.address).toBe("127.0.0.1");
    expect(rtp.dropped.foreign_source).toBeGreaterThan(20);
    expect(rtp.audioPacketsOut).toBeGreaterThan(20);
  });

  it("an INVITE flood that never ACKs (43/s from one source) stays within maxCalls and its own cap, and a normal call still succeeds", async () => {
    let maxSlots = 0;
    let maxPorts = 0;
    const sample = setInterval(() => {
      maxSlots = Math.max(maxSlots, s.calls.inUse);
      maxPorts = Math.max(maxPorts, s.pool.allocated);
    }, 10);
    try {
      const flood = runSipp({
        scenario: "uac-invite-no-ack.xml",
        target: target(),
        localIp: "127.0.0.2",
        calls: 130,
        rate: 43,
        timeoutS: 20,
      });
      await new Promise((r) => setTimeout(r, 1000));
      const normal = await sippCall(
        target(),
        { holdMs: 2000, hangup: "caller" },
        { sipPort: await freePort(), mediaPort: await freeMediaPort() },
      );
      expect(normal.code, normal.output + normal.errors).toBe(0);
      const call = await settled(s.t);
      expect(call.outcome).toBe("caller_hangup");
      expect(call.fromUri).toContain("+15550100@127.0.0.1");
      await flood;
    } finally {
      clearInterval(sample);
    }
    expect(maxSlots).toBeLessThanOrEqual(6);
    expect(maxPorts).toBeLessThanOrEqual(6);
    expect(maxPorts).toBeGreaterThanOrEqual(3); // the flood did hold its 3 unacknowledged calls
  });
});

describe.skipIf(skip)("INVITEs refused for lack of an RTP port", () => {
  const captured = captureLogger("info");
  let s: Setup;
  beforeAll(async () => {
    // Two ports only: every INVITE beyond two held calls finds none.
    s = await setup({
      maxCalls: 50,
      ports: { min: 34100, max: 34103 },
      logger: captured.logger,
      sip: { maxUnacknowledgedPerSource: 50, timers: { ackTimeoutMs: 5000 } },
    });
  });
  afterAll(() => teardown(s));

  it("write one log line, and count the rest in parley_log_lines_suppressed_total", async () => {
    const r = await runSipp({
      scenario: "uac-invite-no-ack.xml",
      target: `127.0.0.1:${s.sip.local.port}`,
      calls: 12,
      rate: 100,
      timeoutS: 10,
    });
    expect(r.code, r.errors || r.output).toBe(0);
    const lines = captured.lines.filter((l) => l.msg === "no RTP port for the call");
    expect(lines).toHaveLength(1);
    const metrics = await s.t.services.registry.getSingleMetricAsString("parley_log_lines_suppressed_total");
    expect(metrics).toContain('parley_log_lines_suppressed_total{event="rtp_port_unavailable"} 9');
  });
});
