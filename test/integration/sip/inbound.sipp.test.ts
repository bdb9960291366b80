import { afterEach, describe, expect, it } from "vitest";
import {
  buildAnswer,
  buildOffer,
  CallEnded,
  DEFAULT_CAPABILITIES,
  type InboundCall,
  type SipPort,
} from "../../../src/sip/index.js";
import { captureLogger, runSipp, startUa } from "./helpers.js";

/**
 * Inbound calls from SIPp (a real SIP peer) into the embedded UA, all on
 * loopback. Media is not ours: answers point at a port nobody listens on.
 */

let ua: SipPort | null = null;
afterEach(async () => {
  await ua?.close();
  ua = null;
});

function answer(call: InboundCall): string {
  return buildAnswer(call.media, { address: "127.0.0.1", port: 40_000 });
}

/** Installs a handler that rings, answers and records what happened to each call. */
function answering(port: SipPort, after?: (call: InboundCall) => Promise<void>) {
  const seen: { call: InboundCall; ended: Promise<CallEnded> }[] = [];
  port.onInvite(async (call) => {
    const ended = new Promise<CallEnded>((resolve) => call.on("call:ended", resolve));
    seen.push({ call, ended });
    await call.ringing();
    await call.accept(answer(call));
    await after?.(call);
  });
  return seen;
}

describe("embedded UA answers SIPp", () => {
  for (const transport of ["u1", "t1"] as const) {
    it(`answers a call and takes the caller's BYE (${transport === "u1" ? "UDP" : "TCP"})`, async () => {
      ua = await startUa();
      const seen = answering(ua);
      const result = await runSipp({ scenario: "uac-call-bye.xml", target: `127.0.0.1:${ua.local.port}`, transport });
      expect(result.code, result.errors || result.output).toBe(0);
      expect(seen).toHaveLength(1);
      const { call, ended } = seen[0]!;
      expect((await ended).endReason).toBe("remote-bye");
      expect(call.signal.aborted).toBe(true);
      expect(call.media.codec.name).toBe("PCMA"); // offered first
      expect(call.media.telephoneEvent?.payloadType).toBe(101);
      expect(call.from).toMatchObject({ user: "+15550100", displayName: "SIPp Caller", host: "127.0.0.1" });
      expect(call.remote.transport).toBe(transport === "u1" ? "udp" : "tcp");
    });

    it(`hangs up with a BYE through the caller's route set (${transport === "u1" ? "UDP" : "TCP"})`, async () => {
      ua = await startUa();
      const seen = answering(ua, async (call) => {
        await call.hangup();
      });
      const result = await runSipp({ scenario: "uac-wait-bye.xml", target: `127.0.0.1:${ua.local.port}`, transport });
      expect(result.code, result.errors || result.output).toBe(0);
      expect((await seen[0]!.ended).endReason).toBe("local-bye");
    });
  }

  it("sends 487 when the caller cancels before the answer", async () => {
    ua = await startUa();
    const events: string[] = [];
    let reason: unknown;
    ua.onInvite(async (call) => {
      call.on("call:cancel", () => events.push("cancel"));
      call.signal.addEventListener("abort", () => (reason = call.signal.reason));
      await call.ringing(); // and never answer
    });
    const result = await runSipp({ scenario: "uac-cancel.xml", target: `127.0.0.1:${ua.local.port}` });
    expect(result.code, result.errors || result.output).toBe(0);
    expect(events).toEqual(["cancel"]);
    expect(reason).toBeInstanceOf(CallEnded);
    expect((reason as CallEnded).endReason).toBe("cancelled");
  });

  for (const transport of ["u1", "t1"] as const) {
    it(`answers a delayed offer (INVITE without SDP) with an offer and takes the answer from the ACK (${transport === "u1" ? "UDP" : "TCP"})`, async () => {
      ua = await startUa();
      const seen: { offerSdp: string; acceptedMedia: InboundCall["media"] | null; ended: Promise<CallEnded> }[] = [];
      ua.onInvite(async (call) => {
        const entry = {
          offerSdp: call.offerSdp,
          acceptedMedia: null as InboundCall["media"] | null,
          ended: new Promise<CallEnded>((r) => call.on("call:ended", r)),
        };
        seen.push(entry);
        await call.accept(buildOffer({ address: "127.0.0.1", port: 40_000 }, DEFAULT_CAPABILITIES));
        entry.acceptedMedia = call.media;
      });
      const result = await runSipp({
        scenario: "uac-delayed-offer.xml",
        target: `127.0.0.1:${ua.local.port}`,
        transport,
      });
      expect(result.code, result.errors || result.output).toBe(0);
      expect(seen).toHaveLength(1);
      expect(seen[0]!.offerSdp).toBe("");
      // The ACK's answer: PCMA (second in our offer) on SIPp's media port, not a default.
      expect(seen[0]!.acceptedMedia).toMatchObject({
        codec: { name: "PCMA", payloadType: 8 },
        remote: { address: "127.0.0.1" },
        telephoneEvent: { payloadType: 101 },
        hold: false,
      });
      expect(seen[0]!.acceptedMedia!.remote.port).toBeGreaterThan(0);
      expect((await seen[0]!.ended).endReason).toBe("remote-bye");
    });
  }

  it("delivers keys sent as SIP INFO (application/dtmf-relay and application/dtmf) as call:dtmf", async () => {
    ua = await startUa();
    const digits: { digit: string; durationMs: number | null }[] = [];
    answering(ua, async (call) => {
      call.on("call:dtmf", (d) => digits.push(d));
    });
    const result = await runSipp({ scenario: "uac-info-dtmf.xml", target: `127.0.0.1:${ua.local.port}` });
    expect(result.code, result.errors || result.output).toBe(0);
    expect(digits).toEqual([
      { digit: "5", durationMs: 160 },
      { digit: "9", durationMs: null },
    ]);
  });

  it("takes a re-INVITE with c=0.0.0.0 as hold: answers recvonly", async () => {
    ua = await startUa();
    const offers: { hold: boolean; answerDirection: string }[] = [];
    answering(ua, async (call) => {
      call.on("call:reinvite", (offer) =>
        offers.push({ hold: offer.hold, answerDirection: offer.media.answerDirection }),
      );
    });
    const result = await runSipp({ scenario: "uac-reinvite-hold-c0.xml", target: `127.0.0.1:${ua.local.port}` });
    expect(result.code, result.errors || result.output).toBe(0);
    expect(offers).toEqual([{ hold: true, answerDirection: "recvonly" }]);
  });

  it("answers OPTIONS with 200, Allow and Accept", async () => {
    ua = await startUa();
    const result = await runSipp({ scenario: "options.xml", target: `127.0.0.1:${ua.local.port}` });
    expect(result.code, result.errors || result.output).toBe(0);
  });

  it("handles hold and resume re-INVITEs, with and without a handler", async () => {
    for (const withHandler of [false, true]) {
      ua = await startUa();
      const holds: boolean[] = [];
      answering(ua, async (call) => {
        call.on("call:reinvite", (offer) => holds.push(offer.hold));
        if (withHandler)
          call.onReinvite((offer) =>
            buildAnswer(offer.media, { address: "127.0.0.1", port: 40_000, version: holds.length + 2 }),
          );
      });
      const result = await runSipp({ scenario: "uac-reinvite-hold.xml", target: `127.0.0.1:${ua.local.port}` });
      expect(result.code, result.errors || result.output).toBe(0);
      expect(holds).toEqual([true, false]);
      await ua.close();
      ua = null;
    }
  });

  it("answers 488 to an offer with no common codec (G.729 only), without calling the handler", async () => {
    ua = await startUa();
    let called = false;
    ua.onInvite(() => {
      called = true;
    });
    const result = await runSipp({ scenario: "uac-codec-488.xml", target: `127.0.0.1:${ua.local.port}` });
    expect(result.code, result.errors || result.output).toBe(0);
    expect(called).toBe(false);
  });

  it("answers 486 or 503 as the capacity hook says", async () => {
    ua = await startUa();
    ua.onInvite(() => {
      throw new Error("must not be called at capacity");
    });
    ua.setCapacity(() => "busy");
    const busy = await runSipp({ scenario: "uac-busy-486.xml", target: `127.0.0.1:${ua.local.port}` });
    expect(busy.code, busy.errors || busy.output).toBe(0);
    ua.setCapacity(() => "unavailable");
    const full = await runSipp({ scenario: "uac-unavailable-503.xml", target: `127.0.0.1:${ua.local.port}` });
    expect(full.code, full.errors || full.output).toBe(0);
  });

  it("refuses a source outside the allow list with 403 and logs source and method", async () => {
    const { logger, lines } = captureLogger("info");
    ua = await startUa({ allow: ["127.0.0.1/32", "::1"] }, logger);
    const refused: string[] = [];
    ua.on("sip:refused", (e) => refused.push(`${e.source.address} ${e.method}`));
    const result = await runSipp({
      scenario: "uac-forbidden-403.xml",
      target: `127.0.0.1:${ua.local.port}`,
      localIp: "127.0.0.2",
    });
    expect(result.code, result.errors || result.output).toBe(0);
    expect(refused).toEqual(["127.0.0.2 INVITE"]);
    const line = lines.find((l) => l.msg === "sip request refused");
    expect(line).toMatchObject({ src: "127.0.0.2", method: "INVITE", level: 40 });
    expect(JSON.stringify(line)).not.toContain("15550100"); // the caller's number stays out of the log
  });

  it("transfers the caller with REFER and reports the NOTIFY sipfrag outcome", async () => {
    ua = await startUa();
    const outcomes: unknown[] = [];
    answering(ua, async (call) => {
      outcomes.push(await call.transfer("sip:human@example.invalid"));
      await call.hangup();
    });
    const result = await runSipp({ scenario: "uac-transfer.xml", target: `127.0.0.1:${ua.local.port}` });
    expect(result.code, result.errors || result.output).toBe(0);
    expect(outcomes).toEqual([{ status: 200, reason: "OK" }]);
  });
});
