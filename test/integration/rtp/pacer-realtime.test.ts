import { afterEach, describe, expect, it } from "vitest";
import { Pacer } from "../../../src/rtp/pacer.js";
import { RawPeer, media, openSession, sleep, tonePcm } from "./helpers.js";

// Real time on a shared, noisy machine: only counts, continuity and a loose floor on spacing
// are asserted here. Precise timing figures belong to the benchmark (src/bench/rtp-bench.ts).

const open: { close(): Promise<unknown> }[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

describe("Pacer in real time", () => {
  it("ticks about every 20 ms, never in bursts", async () => {
    const at: number[] = [];
    const pacer = new Pacer({ onTick: (now) => at.push(now) });
    pacer.start();
    await sleep(1500);
    pacer.stop();
    // 75 slots in 1.5 s; a stalled loop skips slots (many, on an overloaded machine).
    expect(at.length).toBeGreaterThanOrEqual(40);
    expect(at.length).toBeLessThanOrEqual(77);
    const gaps = at.slice(1).map((t, i) => t - at[i]!);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(9);
    expect(pacer.ticks).toBe(at.length);
  });

  it("a session's packets are continuous in sequence and timestamp, and spaced like the pacer", async () => {
    const peer = await RawPeer.open();
    open.push(peer);
    const s = await openSession();
    open.push(s);
    s.start(media(peer.port));
    s.play(tonePcm(500));
    await sleep(1000);
    const stats = await s.close();
    await sleep(30); // let the last datagrams land
    const r = peer.received;
    expect(r.length).toBe(stats.packetsOut);
    expect(r.length).toBeGreaterThanOrEqual(25); // 50 slots; fewer when the loop stalls
    // Sequence numbers never break; the timestamp moves on by a frame, or by the slots skipped after a stall.
    let skipped = 0;
    for (let i = 1; i < r.length; i++) {
      expect(r[i]!.sequence).toBe((r[i - 1]!.sequence + 1) & 0xffff);
      const step = (r[i]!.timestamp - r[i - 1]!.timestamp) >>> 0;
      expect(step % 160).toBe(0);
      skipped += step / 160 - 1;
    }
    expect(skipped).toBe(stats.pacer.skippedFrames);
    expect(stats.pacer.intervals.minMs).toBeGreaterThanOrEqual(4);
    expect(stats.pacer.ticks).toBe(stats.packetsOut);
    // The media time the timestamps tell kept pace with real time: no lag built up.
    expect(stats.pacer.maxLagMs).toBeLessThan(40 + 20);
  });
});
