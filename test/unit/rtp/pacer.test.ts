import { describe, expect, it } from "vitest";
import { Pacer } from "../../../src/rtp/pacer.js";
import { VirtualTimers } from "./virtual-timers.js";

function setup() {
  const timers = new VirtualTimers(1000);
  const ticks: number[] = [];
  const pacer = new Pacer({ onTick: (now) => ticks.push(now) }, { timers });
  return { timers, ticks, pacer };
}

const gaps = (t: number[]) => t.slice(1).map((v, i) => v - t[i]!);

describe("Pacer on a virtual clock", () => {
  it("ticks exactly on t0 + n * 20 ms", () => {
    const { timers, ticks, pacer } = setup();
    pacer.start();
    timers.advance(1000);
    expect(ticks).toEqual(Array.from({ length: 51 }, (_, n) => 1000 + n * 20));
    expect(pacer.lateness.max).toBe(0);
    expect(pacer.reanchors).toBe(0);
  });

  it("does not drift over a long run", () => {
    const { timers, ticks, pacer } = setup();
    pacer.start();
    timers.advance(3_600_000);
    expect(ticks.length).toBe(180_001);
    expect(ticks[ticks.length - 1]).toBe(1000 + 3_600_000);
  });

  it("a tick late by less than a frame keeps the timeline, with a minimum gap instead of a burst", () => {
    const { timers, ticks, pacer } = setup();
    pacer.start();
    timers.advance(100); // ticks at 1000..1100
    timers.stall(37); // the event loop is busy until 1137: the 1120 tick runs 17 ms late
    timers.advance(200);
    expect(ticks.slice(0, 6)).toEqual([1000, 1020, 1040, 1060, 1080, 1100]);
    expect(ticks[6]).toBe(1137);
    expect(ticks[7]).toBe(1142); // the 1140 slot, held to 5 ms after the late tick
    expect(ticks.slice(8, 12)).toEqual([1160, 1180, 1200, 1220]); // back on the original timeline
    expect(Math.min(...gaps(ticks))).toBe(5);
    expect(pacer.reanchors).toBe(0);
    expect(pacer.lateness.max).toBe(17);
  });

  it("re-anchors after a stall longer than a frame: no burst of missed packets", () => {
    const { timers, ticks, pacer } = setup();
    pacer.start();
    timers.advance(100);
    timers.stall(153); // blocked until 1253: slots 1120..1240 were missed
    timers.advance(100);
    const after = ticks.filter((t) => t >= 1253);
    expect(after).toEqual([1253, 1273, 1293, 1313, 1333, 1353]);
    expect(pacer.reanchors).toBe(1);
    expect(pacer.lateness.max).toBe(133);
    expect(Math.min(...gaps(ticks))).toBe(20);
    expect(pacer.ticks).toBe(ticks.length);
  });

  it("runs an early timer again rather than ticking early", () => {
    const timers = new VirtualTimers(0);
    const ticks: number[] = [];
    // Timers that fire 10% early (libuv compares against a cached loop time, so real ones can be early too).
    const early = { now: () => timers.now(), setTimeout: (cb: () => void, ms: number) => timers.setTimeout(cb, ms * 0.9), clearTimeout: (h: unknown) => timers.clearTimeout(h) };
    const pacer = new Pacer({ onTick: (now) => ticks.push(now) }, { timers: early });
    pacer.start();
    timers.advance(400);
    expect(ticks.length).toBe(21); // the 400 ms slot ran within tolerance before 400
    ticks.forEach((t, n) => {
      expect(t).toBeGreaterThanOrEqual(n * 20 - 0.5);
      expect(t).toBeLessThanOrEqual(n * 20);
    });
  });

  it("keeps ticking when the client throws, and stops cleanly", () => {
    const timers = new VirtualTimers(0);
    let n = 0;
    const pacer = new Pacer({ onTick: () => { if (++n % 2 === 0) throw new Error("boom"); } }, { timers });
    pacer.start();
    timers.advance(100);
    expect(n).toBe(6);
    expect(pacer.clientErrors).toBe(3);
    pacer.stop();
    timers.advance(100);
    expect(n).toBe(6);
    expect(timers.timers).toBe(0);
  });

  it("records send intervals", () => {
    const { timers, pacer } = setup();
    pacer.start();
    timers.advance(400);
    const s = pacer.intervals.summary();
    expect(s.count).toBe(20);
    expect(s.minMs).toBe(20);
    expect(s.maxMs).toBe(20);
  });
});
