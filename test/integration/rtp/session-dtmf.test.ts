import { existsSync, readFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import type { RtpSession } from "../../../src/rtp/session.js";
import type { RtpSessionEvent } from "../../../src/rtp/types.js";
import { RawPeer, media, openPair, openSession, sleep } from "./helpers.js";

const open: { close(): Promise<unknown> }[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});
const track = <T extends { close(): Promise<unknown> }>(x: T) => (open.push(x), x);

function gather(events: AsyncIterable<RtpSessionEvent>): RtpSessionEvent[] {
  const out: RtpSessionEvent[] = [];
  void (async () => {
    for await (const e of events) out.push(e);
  })();
  return out;
}

describe("DTMF between sessions", () => {
  it("keys sent with sendDtmf arrive once each, in order, with their durations", async () => {
    const [a, b] = (await openPair()).map(track) as [RtpSession, RtpSession];
    const events = gather(b.events);
    await sleep(60);
    await expect(a.sendDtmf("159#", { durationMs: 100 })).resolves.toBe(true);
    await sleep(150);
    const digits = events.filter((e) => e.type === "dtmf:digit").map((e) => (e.type === "dtmf:digit" ? e.digit : ""));
    const ends = events
      .filter((e) => e.type === "dtmf:end")
      .map((e) => (e.type === "dtmf:end" ? `${e.digit}:${e.durationMs}` : ""));
    expect(digits.join("")).toBe("159#");
    expect(ends).toEqual(["1:100", "5:100", "9:100", "#:100"]);
    const sa = a.stats();
    const sb = b.stats();
    expect(sa.dtmfOut).toBe(4);
    expect(sa.eventPacketsOut).toBe(4 * 7);
    expect(sb.dtmfIn).toBe(4);
    // Event packets share the sequence space with audio: none may count as lost or disturb playout.
    expect(sb.lost).toBe(0);
    expect(sb.late).toBe(0);
  });

  it("refuses DTMF when telephone-event was not negotiated, and bad keys before queuing any", async () => {
    const a = track(await openSession());
    a.start(media(9, { telephoneEventPt: null }));
    await expect(a.sendDtmf("1")).rejects.toMatchObject({ code: "rtp_dtmf_unavailable" });
    a.update({ telephoneEventPt: 101 });
    await expect(a.sendDtmf("1x")).rejects.toMatchObject({ code: "rtp_dtmf_invalid" });
    expect(a.stats().dtmfOut).toBe(0);
  });
});

const PCAP = "/usr/share/sip-tester/dtmf_2833_5.pcap";

describe.skipIf(!existsSync(PCAP))("SIPp's RFC 2833 pcap replayed into a session", () => {
  it("reports key 5 once", async () => {
    // Extract the RTP datagrams of the pcap (Ethernet/IPv4/UDP) and replay them at 20 ms.
    const b = readFileSync(PCAP);
    const rtp: Buffer[] = [];
    for (let at = 24; at + 16 <= b.length;) {
      const len = b.readUInt32LE(at + 8);
      const frame = b.subarray(at + 16, at + 16 + len);
      at += 16 + len;
      const udp = 14 + (frame[14]! & 0x0f) * 4;
      rtp.push(frame.subarray(udp + 8, udp + frame.readUInt16BE(udp + 4)));
    }
    const peer = track(await RawPeer.open());
    const s = track(await openSession());
    s.start(media(peer.port, { telephoneEventPt: 101 }));
    const events = gather(s.events);
    for (const d of rtp) {
      peer.send(d, s.localPort);
      await sleep(20);
    }
    await sleep(60);
    expect(events.filter((e) => e.type === "dtmf:digit").map((e) => (e.type === "dtmf:digit" ? e.digit : ""))).toEqual([
      "5",
    ]);
    expect(events.find((e) => e.type === "dtmf:end")).toMatchObject({ digit: "5", durationMs: 280 });
    expect(events.find((e) => e.type === "rtp:latched")).toMatchObject({ port: peer.port, ssrc: 0x0e05384e });
  });
});
