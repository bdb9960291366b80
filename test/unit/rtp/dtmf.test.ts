import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DtmfSender } from "../../../src/rtp/dtmf-sender.js";
import {
  DTMF_ENDED,
  DTMF_STARTED,
  DtmfReceiver,
  TelephoneEvent,
  dtmfEventCode,
  dtmfKey,
  parseTelephoneEventInto,
  writeTelephoneEvent,
} from "../../../src/rtp/dtmf.js";
import { RtpHeader, parseRtpInto, serializeRtp } from "../../../src/rtp/packet.js";

const SIPP_DIR = "/usr/share/sip-tester";

/** UDP payloads of an Ethernet/IPv4 pcap (what SIPp ships). */
function pcapUdpPayloads(path: string): Uint8Array[] {
  const b = readFileSync(path);
  if (b.readUInt32LE(0) !== 0xa1b2c3d4) throw new Error(`${path}: not a little-endian pcap`);
  if (b.readUInt32LE(20) !== 1) throw new Error(`${path}: not Ethernet`);
  const out: Uint8Array[] = [];
  for (let at = 24; at + 16 <= b.length;) {
    const len = b.readUInt32LE(at + 8);
    const frame = b.subarray(at + 16, at + 16 + len);
    at += 16 + len;
    if (frame.readUInt16BE(12) !== 0x0800) continue;
    const ihl = (frame[14]! & 0x0f) * 4;
    if (frame[14 + 9] !== 17) continue;
    const udp = 14 + ihl;
    out.push(frame.subarray(udp + 8, udp + frame.readUInt16BE(udp + 4)));
  }
  return out;
}

const event = (ts: number, seq: number, code: number, end: boolean, duration: number, marker = false) => {
  const p = new Uint8Array(4);
  writeTelephoneEvent(p, 0, code, end, 10, duration);
  return { ts, seq, marker, payload: p };
};

function feed(rx: DtmfReceiver, packets: { ts: number; payload: Uint8Array }[]) {
  const seen: string[] = [];
  for (const p of packets) {
    const a = rx.onPacket(1, p.ts, p.payload, 0, p.payload.length);
    if (a & DTMF_STARTED) seen.push(`start ${dtmfKey(rx.last.event)}`);
    if (a & DTMF_ENDED) seen.push(`end ${dtmfKey(rx.last.event)} ${rx.last.duration}`);
  }
  return seen;
}

describe("telephone-event payload", () => {
  it("round-trips the fields", () => {
    const b = new Uint8Array(6);
    writeTelephoneEvent(b, 2, 11, true, 63, 0xabcd);
    const e = new TelephoneEvent();
    expect(parseTelephoneEventInto(b, 2, 4, e)).toBe(true);
    expect(e).toMatchObject({ event: 11, end: true, volume: 63, duration: 0xabcd });
    expect(parseTelephoneEventInto(b, 2, 3, e)).toBe(false);
  });

  it("maps keys to codes and back", () => {
    expect([..."0123456789*#ABCD"].map(dtmfEventCode)).toEqual(Array.from({ length: 16 }, (_, i) => i));
    expect(dtmfEventCode("a")).toBe(12);
    expect(() => dtmfEventCode("x")).toThrow(/not a DTMF key/);
    expect(() => dtmfEventCode("12")).toThrow();
    expect(dtmfKey(16)).toBeNull();
  });
});

describe("DtmfReceiver", () => {
  it("reports a key once at its first packet and once at its end, whatever the repeats", () => {
    const rx = new DtmfReceiver();
    const seen = feed(rx, [
      event(800, 1, 5, false, 160, true),
      event(800, 2, 5, false, 320),
      event(800, 3, 5, false, 480),
      event(800, 4, 5, true, 640),
      event(800, 5, 5, true, 640),
      event(800, 6, 5, true, 640),
      event(2000, 7, 5, false, 160, true),
      event(2000, 8, 5, true, 320),
      event(2000, 9, 5, true, 320),
    ]);
    expect(seen).toEqual(["start 5", "end 5 640", "start 5", "end 5 320"]);
  });

  it("still reports a key whose start packets were lost, and ignores a late straggler", () => {
    const rx = new DtmfReceiver();
    const seen = feed(rx, [event(100, 3, 9, true, 800), event(100, 2, 9, false, 640), event(100, 4, 9, true, 800)]);
    expect(seen).toEqual(["start 9", "end 9 800"]);
  });

  it("ignores non-DTMF events and short payloads", () => {
    const rx = new DtmfReceiver();
    expect(feed(rx, [event(1, 1, 16, false, 160)])).toEqual([]);
    expect(rx.onPacket(1, 5, new Uint8Array(3), 0, 3)).toBe(0);
    expect([rx.ignored, rx.malformed]).toEqual([1, 1]);
  });
});

describe("DtmfSender", () => {
  it("sends start (marker), updates, three end packets on one timestamp, then a gap", async () => {
    const tx = new DtmfSender();
    const done = tx.enqueue("7", { durationMs: 100 });
    const buf = new Uint8Array(4);
    const e = new TelephoneEvent();
    const rows: string[] = [];
    for (let tick = 0; tick < 10; tick++) {
      const n = tx.writeTick(1000 + tick * 160, buf, 0);
      if (n === 0) {
        rows.push("audio");
        continue;
      }
      parseTelephoneEventInto(buf, 0, n, e);
      rows.push(`${tx.timestamp} m${tx.marker ? 1 : 0} ${e.event} ${e.end ? "E" : "-"} ${e.duration}`);
    }
    expect(rows).toEqual([
      "1000 m1 7 - 160",
      "1000 m0 7 - 320",
      "1000 m0 7 - 480",
      "1000 m0 7 - 640",
      "1000 m0 7 E 800",
      "1000 m0 7 E 800",
      "1000 m0 7 E 800",
      "audio",
      "audio",
      "audio",
    ]);
    await expect(done).resolves.toBe(true);
    expect(tx.active).toBe(false);
  });

  it("validates, and cancelAll resolves pending keys with false", async () => {
    const tx = new DtmfSender();
    expect(() => tx.enqueue("1", { durationMs: 10 })).toThrow(/40-5000/);
    expect(() => tx.enqueue("1", { volume: 64 })).toThrow(/0-63/);
    const a = tx.enqueue("1");
    tx.writeTick(0, new Uint8Array(4), 0);
    const b = tx.enqueue("2");
    tx.cancelAll();
    await expect(Promise.all([a, b])).resolves.toEqual([false, false]);
  });

  it("what the sender writes, the receiver reads back", () => {
    const tx = new DtmfSender();
    void tx.enqueue("#", { durationMs: 60 });
    void tx.enqueue("#", { durationMs: 60 });
    const rx = new DtmfReceiver();
    const seen: string[] = [];
    const buf = new Uint8Array(4);
    for (let tick = 0; tick < 20; tick++) {
      const n = tx.writeTick(tick * 160, buf, 0);
      if (n === 0) continue;
      const a = rx.onPacket(1, tx.timestamp, buf, 0, n);
      if (a & DTMF_STARTED) seen.push(`start ${dtmfKey(rx.last.event)}`);
      if (a & DTMF_ENDED) seen.push(`end ${rx.last.duration}`);
    }
    expect(seen).toEqual(["start #", "end 480", "start #", "end 480"]);
  });
});

describe.skipIf(!existsSync(SIPP_DIR))(`SIPp's RFC 2833 pcaps (${SIPP_DIR})`, () => {
  const keys: [string, string][] = [..."0123456789"].map((d) => [`dtmf_2833_${d}.pcap`, d]);
  keys.push(["dtmf_2833_star.pcap", "*"], ["dtmf_2833_pound.pcap", "#"]);
  for (const [file, key] of keys) {
    it(`${file} is key ${key}, reported once, ended once`, () => {
      const h = new RtpHeader();
      const rx = new DtmfReceiver();
      const seen: string[] = [];
      const datagrams = pcapUdpPayloads(join(SIPP_DIR, file));
      expect(datagrams.length).toBeGreaterThanOrEqual(4);
      for (const d of datagrams) {
        expect(parseRtpInto(d, h)).toBeNull();
        expect(h.payloadType).toBe(101);
        const a = rx.onPacket(h.ssrc, h.timestamp, d, h.payloadOffset, h.payloadLength);
        if (a & DTMF_STARTED) seen.push(`start ${dtmfKey(rx.last.event)}`);
        if (a & DTMF_ENDED) seen.push(`end ${dtmfKey(rx.last.event)} ${rx.last.duration / 8} ms`);
      }
      expect(seen).toEqual([`start ${key}`, `end ${key} 280 ms`]);
    });
  }
});

describe("crafted like SIPp's pcap (runs everywhere)", () => {
  it("marker start with duration 0, updates, three identical end packets with one sequence number", () => {
    const h = new RtpHeader();
    const rx = new DtmfReceiver();
    const seen: string[] = [];
    const packets = [0, 320, 640, 960, 1280, 1600, 1920].map((d, i) =>
      serializeRtp({
        marker: i === 0,
        payloadType: 101,
        sequence: 0x20f4 + i,
        timestamp: 0x169e0,
        ssrc: 0x0e05384e,
        payload: Uint8Array.of(11, 10, d >> 8, d & 0xff),
      }),
    );
    const end = serializeRtp({
      payloadType: 101,
      sequence: 0x20fb,
      timestamp: 0x169e0,
      ssrc: 0x0e05384e,
      payload: Uint8Array.of(11, 0x8a, 0x08, 0xc0),
    });
    for (const d of [...packets, end, end, end]) {
      expect(parseRtpInto(d, h)).toBeNull();
      const a = rx.onPacket(h.ssrc, h.timestamp, d, h.payloadOffset, h.payloadLength);
      if (a & DTMF_STARTED) seen.push(`start ${dtmfKey(rx.last.event)}`);
      if (a & DTMF_ENDED) seen.push(`end ${rx.last.duration}`);
    }
    expect(seen).toEqual(["start #", "end 2240"]);
  });
});
