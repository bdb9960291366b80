import { describe, expect, it } from "vitest";
import { parsePcapUdp } from "../../../src/bench/wire/pcap.js";
import {
  analyzeRtpTiming,
  rtpFromDatagrams,
  rtpTimingViolations,
  splitGaps,
  type RtpOnWire,
} from "../../../src/bench/wire/rtp-timing.js";
import { serializeRtp } from "../../../src/rtp/packet.js";

interface Sent {
  atMs: number;
  seq: number;
  ts: number;
  pt?: number;
}

/** A classic pcap (microseconds, little-endian, Ethernet) of UDP 127.0.0.1:4000 -> :5000 carrying the packets. */
function pcap(packets: Sent[], o: { bigEndian?: boolean; nanos?: boolean } = {}): Buffer {
  const w32 = (b: Buffer, v: number, at: number) =>
    o.bigEndian ? b.writeUInt32BE(v >>> 0, at) : b.writeUInt32LE(v >>> 0, at);
  const head = Buffer.alloc(24);
  w32(head, o.nanos ? 0xa1b23c4d : 0xa1b2c3d4, 0);
  w32(head, 65535, 16);
  w32(head, 1, 20);
  const parts = [head];
  for (const p of packets) {
    const rtp = serializeRtp({
      payloadType: p.pt ?? 0,
      sequence: p.seq & 0xffff,
      timestamp: p.ts >>> 0,
      ssrc: 0x1234,
      marker: false,
      payload: new Uint8Array(160).fill(0xff),
    });
    const frame = Buffer.alloc(14 + 20 + 8 + rtp.length);
    frame.writeUInt16BE(0x0800, 12);
    frame[14] = 0x45;
    frame[14 + 9] = 17;
    frame.set([127, 0, 0, 1, 127, 0, 0, 1], 14 + 12);
    frame.writeUInt16BE(4000, 34);
    frame.writeUInt16BE(5000, 36);
    frame.writeUInt16BE(8 + rtp.length, 38);
    frame.set(rtp, 42);
    const rec = Buffer.alloc(16);
    const sec = Math.floor(p.atMs / 1000);
    const frac = o.nanos ? Math.round((p.atMs - sec * 1000) * 1e6) : Math.round((p.atMs - sec * 1000) * 1e3);
    w32(rec, sec, 0);
    w32(rec, frac, 4);
    w32(rec, frame.length, 8);
    w32(rec, frame.length, 12);
    parts.push(rec, frame);
  }
  return Buffer.concat(parts);
}

/** A sender on an exact 20 ms timeline from t = 1000 s. */
function steady(n: number, from: { seq?: number; ts?: number; atMs?: number } = {}): Sent[] {
  const { seq = 100, ts = 5000, atMs = 1_000_000 } = from;
  return Array.from({ length: n }, (_, i) => ({ atMs: atMs + i * 20, seq: seq + i, ts: ts + i * 160 }));
}

const analyze = (packets: Sent[]) => analyzeRtpTiming(rtpFromDatagrams(parsePcapUdp(pcap(packets))));

describe("pcap reader", () => {
  it("reads UDP datagrams with their capture times, in either byte order and resolution", () => {
    for (const o of [{}, { bigEndian: true }, { nanos: true }]) {
      const d = parsePcapUdp(pcap(steady(3), o));
      expect(d).toHaveLength(3);
      expect(d[1]).toMatchObject({ srcAddress: "127.0.0.1", srcPort: 4000, dstPort: 5000 });
      expect(d[1]!.atMs).toBeCloseTo(1_000_020, 3);
      expect(d[1]!.payload.length).toBe(172);
    }
  });

  it("refuses what is not a classic pcap, saying so", () => {
    expect(() => parsePcapUdp(Buffer.from("not a capture at all, just text"))).toThrow(/not a classic pcap/);
    expect(() => parsePcapUdp(Buffer.alloc(3))).toThrow(/not a pcap file/);
  });
});

describe("analyzeRtpTiming", () => {
  it("a sender on time: 20 ms apart, no lag, no gaps, within the limits", () => {
    const r = analyze(steady(500));
    expect(r.packets).toBe(500);
    expect(r.interDepartureMs).toMatchObject({ p50: 20, p99: 20, max: 20 });
    expect(r.lagMs.max).toBe(0);
    expect(r.sequence.missing).toBe(0);
    expect(r.gaps).toBe(0);
    expect(rtpTimingViolations(r)).toEqual([]);
  });

  it("a sender that restarts its timeline after a 400 ms stall (timestamps continue) falls behind for good", () => {
    const before = steady(100);
    const after = steady(100, { seq: 200, ts: 5000 + 100 * 160, atMs: 1_000_000 + 100 * 20 + 400 });
    const r = analyze([...before, ...after]);
    expect(r.lagMs.max).toBeCloseTo(400, 3);
    expect(r.lagMs.final).toBeCloseTo(400, 3);
    expect(r.interDepartureMs.max).toBeCloseTo(420, 3);
    expect(r.timestampJumps.count).toBe(0);
    expect(r.gaps).toBe(1);
    expect(rtpTimingViolations(r)).toEqual([
      expect.stringMatching(/lag behind real time reached 400 ms/),
      expect.stringMatching(/longest interval 420 ms/),
    ]);
  });

  it("a sender whose timestamps skip the stalled time stays on real time, and the skip is reported", () => {
    const before = steady(100);
    const after = steady(100, { seq: 200, ts: 5000 + 120 * 160, atMs: 1_000_000 + 100 * 20 + 400 });
    const r = analyze([...before, ...after]);
    expect(r.lagMs.max).toBe(0);
    expect(r.timestampJumps).toEqual({ count: 1, skippedMs: 400 });
    expect(r.sequenceLagMs.final).toBeCloseTo(400, 3);
    expect(r.sequence.missing).toBe(0);
  });

  it("counts missing sequence numbers and follows sequence and timestamp wrap-around", () => {
    const packets = steady(300, { seq: 65_500, ts: 2 ** 32 - 160 * 100 }).filter((p) => p.seq !== 65_600);
    const r = analyze(packets);
    expect(r.sequence.missing).toBe(1);
    expect(r.lagMs.max).toBe(0);
    expect(r.interDepartureMs.max).toBe(40);
    expect(rtpTimingViolations(r)).toEqual(["1 sequence number(s) missing"]);
  });

  it("leaves telephone-event packets out of the media timeline, and picks the main stream", () => {
    const packets: RtpOnWire[] = steady(50).map((p, i) => ({
      atMs: p.atMs,
      sequence: p.seq,
      timestamp: i >= 20 && i < 25 ? 5000 + 20 * 160 : p.ts,
      ssrc: 1,
      payloadType: i >= 20 && i < 25 ? 101 : 0,
      marker: false,
    }));
    packets.push({ atMs: 1_000_500, sequence: 9, timestamp: 0, ssrc: 2, payloadType: 0, marker: false });
    const r = analyzeRtpTiming(packets, { audioPayloadTypes: [0] });
    expect(r.streams).toBe(2);
    expect(r.ssrc).toBe(1);
    expect(r.audioPackets).toBe(45);
    expect(r.lagMs.max).toBe(0);
  });
});

describe("splitGaps", () => {
  it("holds against the sender only the gaps another sender on the machine did not suffer at the same moment", () => {
    const ours = analyze([
      ...steady(50),
      ...steady(50, { seq: 150, ts: 5000 + 54 * 160, atMs: 1_000_000 + 50 * 20 + 80 }),
      ...steady(50, { seq: 200, ts: 5000 + 108 * 160, atMs: 1_000_000 + 100 * 20 + 160 + 300 }),
    ]);
    expect(ours.gaps).toBe(2);
    // The control stalled over our first gap only.
    const control = [{ atMs: 1_000_000 + 49 * 20 - 5, ms: 90 }];
    const { own, shared } = splitGaps(ours.gapList, control);
    expect(shared.map((g) => g.ms)).toEqual([100]);
    expect(own.map((g) => g.ms)).toEqual([400]);
    expect(rtpTimingViolations(ours, undefined, shared)).toContainEqual(
      expect.stringMatching(/longest interval 400 ms > 60 ms \(1 over\)/),
    );
    expect(rtpTimingViolations(ours).some((v) => /\(2 over\)/.test(v))).toBe(true);
  });
});
