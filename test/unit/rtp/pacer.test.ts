import { describe, expect, it } from "vitest";
import { Pacer } from "../../../src/rtp/pacer.js";
import { VirtualTimers } from "./virtual-timers.js";

interface Tick {
  now: number;
  due: number;
  skipped: number;
}

function setup(start = 1000) {
  const timers = new VirtualTimers(start);
  const ticks: Tick[] = [];
  const pacer = new Pacer({ onTick: (now, due, skipped) => ticks.push({ now, due, skipped }) }, { timers });
  return { timers, ticks, pacer, at: () => ticks.map((t) => t.now) };
}

const gaps = (t: number[]) => t.slice(1).map((v, i) => v - t[i]!);

describe("Pacer on a virtual clock", () => {
  it("ticks exactly on t0 + n * 20 ms, each serving its own slot", () => {
    const { timers, ticks, pacer, at } = setup();
    pacer.start();
    timers.advance(1000);
    expect(at()).toEqual(Array.from({ length: 51 }, (_, n) => 1000 + n * 20));
    expect(ticks.every((t) => t.now === t.due && t.skipped === 0)).toBe(true);
    expect(pacer.lateness.max).toBe(0);
    expect(pacer.stalls).toBe(0);
  });

  it("does not drift over a long run", () => {
    const { timers, ticks, pacer } = setup();
    pacer.start();
    timers.advance(3_600_000);
    expect(ticks.length).toBe(180_001);
    expect(ticks[ticks.length - 1]!.now).toBe(1000 + 3_600_000);
  });

  it("a tick late by less than two frames serves its own slot; the next ones catch up half a frame apart, never back to back", () => {
    const { timers, ticks, pacer, at } = setup();
    pacer.start();
    timers.advance(100); // ticks at 1000..1100
    timers.stall(57); // the thread is busy until 1157: the 1120 tick runs 37 ms late
    timers.advance(200);
    expect(at().slice(0, 6)).toEqual([1000, 1020, 1040, 1060, 1080, 1100]);
    expect(ticks[6]).toEqual({ now: 1157, due: 1120, skipped: 0 });
    expect(ticks[7]).toEqual({ now: 1167, due: 1140, skipped: 0 }); // catching up, 10 ms after
    expect(ticks[8]).toEqual({ now: 1177, due: 1160, skipped: 0 });
    expect(at().slice(9, 13)).toEqual([1187, 1200, 1220, 1240]); // back on the original timeline
    expect(Math.min(...gaps(at()))).toBe(10);
    expect(pacer.stalls).toBe(0);
    expect(pacer.lateness.max).toBe(37);
  });

  it("after a stall longer than two frames, skips the slots that passed and serves the newest: one packet, no burst, no lag", () => {
    const { timers, ticks, pacer, at } = setup();
    pacer.start();
    timers.advance(100);
    timers.stall(353); // blocked until 1453: slots 1120..1440 passed
    timers.advance(100);
    const after = ticks.filter((t) => t.now >= 1453);
    expect(after[0]).toEqual({ now: 1453, due: 1440, skipped: 16 });
    expect(after.slice(1).map((t) => [t.now, t.due, t.skipped])).toEqual([
      [1463, 1460, 0],
      [1480, 1480, 0],
      [1500, 1500, 0],
      [1520, 1520, 0],
      [1540, 1540, 0],
    ]);
    expect(pacer.stalls).toBe(1);
    expect(pacer.skippedSlots).toBe(16);
    expect(pacer.lateness.max).toBe(333); // how long the thread was held up
    expect(Math.min(...gaps(at()))).toBe(10);
    expect(pacer.ticks).toBe(ticks.length);
  });

  it("never falls behind real time, whatever the stalls: every slot is served or skipped, each within two frames of its time", () => {
    const { timers, ticks, pacer } = setup(0);
    pacer.start();
    // A deterministic storm: stalls of 0-450 ms between bursts of normal running.
    let seed = 7;
    const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let i = 0; i < 300; i++) {
      timers.advance(Math.floor(rnd() * 200));
      timers.stall(Math.floor(rnd() * 450));
    }
    const end = timers.now();
    let slots = 0;
    for (const t of ticks) {
      expect(t.now - t.due).toBeLessThan(40); // two frames of budget at most
      expect(t.now - t.due).toBeGreaterThanOrEqual(-0.5);
      slots += 1 + t.skipped;
    }
    // Slots accounted for = the whole timeline: media time kept pace with real time.
    expect(slots).toBe(Math.floor(ticks.at(-1)!.due / 20) + 1);
    expect(end - ticks.at(-1)!.due).toBeLessThan(60);
    expect(Math.min(...gaps(ticks.map((t) => t.now)))).toBeGreaterThanOrEqual(10);
    expect(pacer.stalls).toBeGreaterThan(50);
  });

  it("runs an early timer again rather than ticking early", () => {
    const timers = new VirtualTimers(0);
    const ticks: number[] = [];
    // Timers that fire 10% early (libuv compares against a cached loop time, so real ones can be early too).
    const early = {
      now: () => timers.now(),
      setTimeout: (cb: () => void, ms: number) => timers.setTimeout(cb, ms * 0.9),
      clearTimeout: (h: unknown) => timers.clearTimeout(h),
    };
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
    const pacer = new Pacer(
      {
        onTick: () => {
          if (++n % 2 === 0) throw new Error("boom");
        },
      },
      { timers },
    );
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
