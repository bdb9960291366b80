import { createServer, type Socket } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { sipSection } from "../../../src/config/sections/sip.js";
import { ParleyError } from "../../../src/lib/errors.js";
import {
  buildAnswer,
  buildOffer,
  createSipPort,
  DEFAULT_CAPABILITIES,
  SipError,
  type InboundCall,
  type SipPort,
} from "../../../src/sip/index.js";
import { drachtioMissing, startDrachtio, type DrachtioServer } from "../../helpers/drachtio-server.js";
import { kamailioMissing, startKamailio, type Kamailio } from "../../helpers/kamailio.js";
import { captureLogger, freePort, runSipp, startSipp } from "./helpers.js";

/**
 * The drachtio driver against a real drachtio-server (the build in
 * ../shared/tools/drachtio, started here with its start.sh on 127.0.0.1),
 * with SIPp as caller, callee and trunk, and Kamailio as registrar. These run
 * wherever that build exists (CI has it beside the project); elsewhere they
 * skip and say so. What needs no server runs everywhere.
 */

let port: SipPort | null = null;
afterEach(async () => {
  await port?.close();
  port = null;
});

describe("drachtio driver without a server", () => {
  it("fails to start with a retryable drachtio_unreachable error", async () => {
    const closed = await freePort();
    const config = sipSection.parse({
      driver: "drachtio",
      drachtio: { host: "127.0.0.1", port: closed, secret: "x", connectTimeoutMs: 300 },
    });
    const error = await createSipPort(config, { logger: captureLogger("silent").logger }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ParleyError);
    expect((error as ParleyError).code).toBe("drachtio_unreachable");
    expect((error as ParleyError).retryable).toBe(true);
  });

  it("gives up on a server that accepts TCP but never completes the drachtio handshake", async () => {
    const sockets = new Set<Socket>();
    const silent = createServer((socket) => {
      sockets.add(socket);
      socket.on("error", () => {});
    });
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", () => resolve()));
    const address = silent.address();
    const adminPort = typeof address === "object" && address ? address.port : 0;
    try {
      const config = sipSection.parse({
        driver: "drachtio",
        drachtio: { host: "127.0.0.1", port: adminPort, secret: "x", connectTimeoutMs: 300 },
      });
      const error = await createSipPort(config, { logger: captureLogger("silent").logger }).catch((e: unknown) => e);
      expect((error as ParleyError).code).toBe("drachtio_unreachable");
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });

  it("refuses a drachtio config without a secret", () => {
    expect(() => sipSection.parse({ driver: "drachtio" })).toThrow(/drachtio.secret/);
  });
});

describe.skipIf(drachtioMissing)(
  `drachtio driver against drachtio-server${drachtioMissing ? ` (skipped: ${drachtioMissing})` : ""}`,
  () => {
    let server: DrachtioServer;
    beforeAll(async () => {
      server = await startDrachtio();
    });
    afterAll(async () => {
      await server?.stop();
    });

    const target = () => `127.0.0.1:${server.sipPort}`;
    const start = (extra: Record<string, unknown> = {}) => {
      const config = sipSection.parse({
        driver: "drachtio",
        drachtio: { host: "127.0.0.1", port: server.adminPort, secret: server.secret },
        allow: ["127.0.0.0/8"],
        ...extra,
      });
      return createSipPort(config, { logger: captureLogger("silent").logger });
    };
    /** Answers every call (our SDP points at a port nobody reads) and records how each ended. */
    const answering = (p: SipPort, after?: (call: InboundCall) => void) => {
      const ended: string[] = [];
      p.onInvite(async (call) => {
        call.on("call:ended", (e) => ended.push(e.endReason));
        after?.(call);
        await call.accept(
          call.offerSdp
            ? buildAnswer(call.media, { address: "127.0.0.1", port: 40_020 })
            : buildOffer({ address: "127.0.0.1", port: 40_020 }, DEFAULT_CAPABILITIES),
        );
      });
      return ended;
    };

    for (const transport of ["u1", "t1"] as const) {
      it(`answers a SIPp call (200 with Allow and Accept) and takes its BYE over ${transport === "u1" ? "UDP" : "TCP"}`, async () => {
        port = await start();
        const ended = answering(port);
        const result = await runSipp({ scenario: "uac-call-bye.xml", target: target(), transport });
        expect(result.code, result.errors || result.output).toBe(0);
        expect(ended).toEqual(["remote-bye"]);
      });
    }

    it("answers OPTIONS with 200, Allow and Accept, and 503 while unavailable", async () => {
      port = await start();
      const ok = await runSipp({ scenario: "options.xml", target: target() });
      expect(ok.code, ok.errors || ok.output).toBe(0);
      port.setCapacity(() => "unavailable");
      const unavailable = await runSipp({ scenario: "options-503.xml", target: target() });
      expect(unavailable.code, unavailable.errors || unavailable.output).toBe(0);
    });

    it("answers 488 to an offer with no common codec, without calling the handler", async () => {
      port = await start();
      let called = false;
      port.onInvite(() => {
        called = true;
      });
      const result = await runSipp({ scenario: "uac-codec-488.xml", target: target() });
      expect(result.code, result.errors || result.output).toBe(0);
      expect(called).toBe(false);
    });

    it("answers a delayed offer with our offer and takes the answer from the ACK", async () => {
      port = await start();
      const media: InboundCall["media"][] = [];
      port.onInvite(async (call) => {
        await call.accept(buildOffer({ address: "127.0.0.1", port: 40_020 }, DEFAULT_CAPABILITIES));
        media.push(call.media);
      });
      const result = await runSipp({ scenario: "uac-delayed-offer.xml", target: target() });
      expect(result.code, result.errors || result.output).toBe(0);
      expect(media[0]).toMatchObject({ codec: { name: "PCMA" }, remote: { address: "127.0.0.1" }, hold: false });
    });

    it("delivers SIP INFO keys as call:dtmf", async () => {
      port = await start();
      const digits: string[] = [];
      answering(port, (call) => call.on("call:dtmf", (d) => digits.push(d.digit)));
      const result = await runSipp({ scenario: "uac-info-dtmf.xml", target: target() });
      expect(result.code, result.errors || result.output).toBe(0);
      expect(digits).toEqual(["5", "9"]);
    });

    it("handles hold (a=sendonly, and c=0.0.0.0) and resume by re-INVITE", async () => {
      port = await start();
      const holds: boolean[] = [];
      answering(port, (call) => call.on("call:reinvite", (offer) => holds.push(offer.hold)));
      const sendonly = await runSipp({ scenario: "uac-reinvite-hold.xml", target: target() });
      expect(sendonly.code, sendonly.errors || sendonly.output).toBe(0);
      const zeros = await runSipp({ scenario: "uac-reinvite-hold-c0.xml", target: target() });
      expect(zeros.code, zeros.errors || zeros.output).toBe(0);
      expect(holds).toEqual([true, false, true]);
    });

    it("places an outbound call to the trunk and answers its digest challenge with the trunk's credentials", async () => {
      const sipp = await startSipp({ scenario: "uas-digest-md5.xml" });
      await sipp.ready;
      port = await start({
        trunk: { uri: `sip:127.0.0.1:${sipp.port}`, username: "parley-trunk", password: "s3cret" },
      });
      const call = await port.dial({
        uri: `sip:callee@127.0.0.1:${sipp.port}`,
        sdp: buildOffer({ address: "127.0.0.1", port: 40_022 }, DEFAULT_CAPABILITIES),
        timeoutMs: 5000,
      });
      expect(call.media.codec.name).toBe("PCMU");
      await call.hangup();
      const result = await sipp.done;
      expect(result.code, result.errors || result.output).toBe(0);
    });

    for (const [why, trunk] of [
      [
        "a host that is not the trunk",
        (_sippPort: number, other: number) => ({
          uri: `sip:127.0.0.1:${other}`,
          username: "parley-trunk",
          password: "s3cret",
        }),
      ],
      [
        "the trunk host naming another realm",
        (sippPort: number) => ({
          uri: `sip:127.0.0.1:${sippPort}`,
          username: "parley-trunk",
          password: "s3cret",
          realm: "trunk.example",
        }),
      ],
    ] as const) {
      it(`withholds the trunk's credentials from ${why}`, async () => {
        const sipp = await startSipp({ scenario: "uas-digest-md5.xml", traceMessages: true, timeoutS: 4 });
        await sipp.ready;
        port = await start({ trunk: trunk(sipp.port, await freePort()) });
        const error = await port
          .dial({
            uri: `sip:callee@127.0.0.1:${sipp.port}`,
            sdp: buildOffer({ address: "127.0.0.1", port: 40_022 }, DEFAULT_CAPABILITIES),
            timeoutMs: 5000,
          })
          .catch((e: unknown) => e);
        expect(error).toBeInstanceOf(SipError);
        expect((error as SipError).sipStatus).toBe(401);
        const result = await sipp.done;
        expect(result.messages).toContain("401 Unauthorized");
        expect(result.messages).not.toMatch(/^\s*Authorization:/m);
      });
    }

    it("treats a registrar's 200 that lists no binding for us as a failure", async () => {
      const sipp = await startSipp({ scenario: "uas-registrar-no-binding.xml" });
      await sipp.ready;
      port = await start();
      const error = await port
        .register({
          registrar: `sip:127.0.0.1:${sipp.port}`,
          aor: "sip:parley-trunk@sipp.test",
          username: "parley-trunk",
          password: "s3cret",
          expiresS: 60,
        })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SipError);
      expect((error as SipError).sipStatus).toBe(502);
      expect((await sipp.done).code).toBe(0);
    });

    describe.skipIf(kamailioMissing)(
      `REGISTER against Kamailio${kamailioMissing ? ` (skipped: ${kamailioMissing})` : ""}`,
      () => {
        let kamailio: Kamailio;
        beforeAll(async () => {
          kamailio = await startKamailio();
        });
        afterAll(async () => {
          await kamailio?.stop();
        });

        it("registers with a Contact (digest), and a call to the AOR through Kamailio reaches us; unregisters on stop", async () => {
          port = await start();
          const registered: number[] = [];
          port.on("sip:registered", (e) => registered.push(e.expiresS));
          const registration = await port.register({
            registrar: `sip:127.0.0.1:${kamailio.port}`,
            aor: "sip:parley-trunk@127.0.0.1",
            username: "parley-trunk",
            password: "s3cret",
            expiresS: 60,
          });
          expect(registration.expiresAt).toBeGreaterThan(Date.now());
          expect(registered).toEqual([60]);
          const ended = answering(port);
          const call = await runSipp({
            scenario: "uac-via-proxy.xml",
            target: `127.0.0.1:${kamailio.port}`,
            service: "parley-trunk",
            timeoutS: 10,
          });
          expect(call.code, `${call.errors || call.output}\n${kamailio.log()}`).toBe(0);
          expect(ended).toEqual(["remote-bye"]);
          await registration.stop();
          const after = await runSipp({
            scenario: "uac-codec-488.xml",
            target: `127.0.0.1:${kamailio.port}`,
            service: "parley-trunk",
            timeoutS: 5,
          });
          expect(after.code).not.toBe(0); // 404 from Kamailio now: no binding left
        });
      },
    );
  },
);
