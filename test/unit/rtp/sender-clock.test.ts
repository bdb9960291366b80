import { describe, expect, it } from "vitest";
import { concatInt16 } from "../../../src/audio/index.js";
import { DtmfSender } from "../../../src/rtp/dtmf-sender.js";
import { TelephoneEvent, parseTelephoneEventInto } from "../../../src/rtp/dtmf.js";
import { SymmetricLatch } from "../../../src/rtp/latch.js";
import { Pacer } from "../../../src/rtp/pacer.js";
import { parseRtp } from "../../../src/rtp/packet.js";
import { Playout, type PlayoutEndReason } from "../../../src/rtp/playout.js";
import { RtpSender } from "../../../src/rtp/sender.js";
import { VirtualTimers } from "./virtual-timers.js";

interface Sent {
  at: number;
  seq: number;
  ts: number;
  pt: number;
  marker: boolean;
  payload: Uint8Array;
}

const TS0 = 4_000_000_000; // wraps past 2^32 within the run
const SEQ0 = 65_500;

/**
 * The send path as the media worker runs it (pacer -> sender -> playout,
 * DTMF), on a virtual clock with stalls injected: deterministic, no sleeping.
 */
function sendPath() {
  const timers = new VirtualTimers(0);
  const wire: Sent[] = [];
  const ended = new Map<number, { reason: PlayoutEndReason; played: number }>();
  const latch = new SymmetricLatch();
  latch.setRemote("127.0.0.1", 4000);
  const playout = new Playout({
    itemStarted: () => undefined,
    itemProgress: () => undefined,
    itemEnded: (id, reason, played) => ended.set(id, { reason, played }),
  });
  const dtmf = new DtmfSender();
  const out = {
    send: (buf: Uint8Array, offset: number, length: number) => {
      const r = parseRtp(Uint8Array.from(buf.subarray(offset, offset + length))); // a copy: the sender reuses its buffers
      if (!r.ok) throw new Error(r.reason);
      wire.push({
        at: timers.now(),
        seq: r.packet.sequence,
        ts: r.packet.timestamp,
        pt: r.packet.payloadType,
        marker: r.packet.marker,
        payload: r.packet.payload,
      });
    },
  };
  const sender = new RtpSender(out, latch, playout, dtmf, 0x5eed, SEQ0, TS0, true);
  sender.setCodec("pcmu", 0, 101);
  sender.sending = true;
  const heard: Int16Array[] = [];
  sender.onSent = (pcm) => heard.push(pcm ? pcm.slice() : new Int16Array(0));
  const pacer = new Pacer({ onTick: (now, due, skipped) => sender.tick(now, due, skipped) }, { timers });
  return { timers, wire, ended, playout, dtmf, sender, pacer, heard };
}

/** Media time (ms since the first packet) told by a timestamp, across the 32-bit wrap. */
const mediaMs = (ts: number) => (((ts - TS0) >>> 0) / 8000) * 1000;

/** Runs for `ms`, with the thread stalled for `stall[i]` ms every `every` ms. */
function runWithStalls(t: VirtualTimers, ms: number, stalls: number[], every = 500): void {
  const end = t.now() + ms;
  let i = 0;
  while (t.now() < end) {
    t.advance(Math.min(every, end - t.now()));
    if (t.now() < end) t.stall(stalls[i++ % stalls.length]!);
  }
}

describe("the sender's clock under stalls (virtual time)", () => {
  it("never falls behind real time: every packet's RTP timestamp tells the time it left, within two frames", () => {
    const p = sendPath();
    p.pacer.start();
    runWithStalls(p.timers, 60_000, [35, 150, 400, 1200, 61, 20, 900]);
    const t0 = p.wire[0]!.at;
    for (const w of p.wire) {
      const lag = w.at - t0 - mediaMs(w.ts);
      expect(lag).toBeGreaterThanOrEqual(-1e-6);
      expect(lag).toBeLessThan(40);
    }
    // Sixty seconds of media time went by in sixty seconds: no lag built up.
    expect(p.timers.now() - t0 - mediaMs(p.wire.at(-1)!.ts)).toBeLessThan(40);
    expect(p.sender.maxLagMs).toBeLessThan(40);
    expect(p.sender.stalls).toBe(p.pacer.stalls);
    expect(p.sender.skippedFrames).toBe(p.pacer.skippedSlots);
    expect(p.sender.stalls).toBeGreaterThan(40); // the stalls of a frame or two were absorbed without skipping
  });

  it("sends no burst: sequence numbers stay continuous, packets at least half a frame apart, the timestamp jumps over skipped slots with the marker set", () => {
    const p = sendPath();
    p.pacer.start();
    runWithStalls(p.timers, 20_000, [400, 30, 150]);
    const w = p.wire;
    expect(w[0]!.marker).toBe(true);
    let jumps = 0;
    for (let i = 1; i < w.length; i++) {
      expect(w[i]!.seq).toBe((w[i - 1]!.seq + 1) & 0xffff);
      expect(w[i]!.at - w[i - 1]!.at).toBeGreaterThanOrEqual(10);
      const step = (w[i]!.ts - w[i - 1]!.ts) >>> 0;
      expect(step % 160).toBe(0);
      expect(w[i]!.marker).toBe(step > 160);
      if (step > 160) jumps += step / 160 - 1;
    }
    expect(jumps).toBe(p.sender.skippedFrames);
    expect(p.sender.stalls).toBeGreaterThan(0);
  });

  it("drops no agent audio: after a stall the sentence resumes where it stopped, and the played count is exact", () => {
    const p = sendPath();
    const speech = Int16Array.from({ length: 8000 * 6 }, (_, i) => ((i * 37) % 2000) - 1000);
    p.playout.open(1);
    for (let at = 0; at < speech.length; at += 1234) p.playout.push(1, speech.slice(at, at + 1234));
    p.playout.end(1, false);
    p.pacer.start();
    runWithStalls(p.timers, 10_000, [400, 150, 1000], 700);
    expect(p.ended.get(1)).toEqual({ reason: "completed", played: speech.length });
    const audio = concatInt16(p.heard.filter((f) => f.length > 0));
    expect(audio.length).toBe(speech.length);
    expect(audio).toEqual(speech);
    expect(p.sender.skippedFrames).toBeGreaterThan(0);
    expect(p.sender.audioPackets).toBe(speech.length / 160);
  });

  it("a key pressed across a stall lasts its duration in media time, with no burst of event packets", () => {
    const p = sendPath();
    p.pacer.start();
    p.timers.advance(100);
    const sent = p.dtmf.enqueue("5", { durationMs: 200 });
    p.timers.advance(60);
    p.timers.stall(120); // mid-key: 6 slots skipped
    p.timers.advance(400);
    const events = p.wire.filter((w) => w.pt === 101);
    const e = new TelephoneEvent();
    const durations = events.map((w) => (parseTelephoneEventInto(w.payload, 0, w.payload.length, e), e.duration));
    expect(durations.at(-1)).toBe(1600); // 200 ms at 8 kHz
    expect(durations.filter((d) => d === 1600)).toHaveLength(3); // the end packet, three times
    expect(events.every((w) => w.ts === events[0]!.ts)).toBe(true);
    for (let i = 1; i < events.length; i++) expect(events[i]!.at - events[i - 1]!.at).toBeGreaterThanOrEqual(10);
    expect(events.length).toBeLessThan(10 + 2); // fewer packets than a 200 ms key without a stall (10 + 2 ends)
    return expect(sent).resolves.toBe(true);
  });
});
