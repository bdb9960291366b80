import { describe, expect, it } from "vitest";
import { PLAYOUT_DELAY_MS, StreamGaps } from "../../../src/bench/calls/stream-gaps.js";

/**
 * The bench caller's count of what a phone would hear missing from the agent's stream, fed arrival times and RTP
 * timestamps directly: 20 ms packets, 160 samples apart, sent on time unless a case moves them.
 */
const SSRC = 0x5eed;
const T0 = 1_000_000; // ms, arrival of packet 0
const TS0 = 4_294_960_000; // near 2^32: the timestamp wraps within the first second

function hear(arrivals: number[], o: { from?: number; ssrc?: number; talking?: boolean } = {}, g = new StreamGaps()) {
  const from = o.from ?? 0;
  arrivals.forEach((at, i) => g.packet(at, o.ssrc ?? SSRC, (TS0 + (from + i) * 160) >>> 0, o.talking ?? from + i > 0));
  return g;
}

/** Arrival of packet i on time, plus 0.3 ms of loopback. */
const onTime = (i: number) => T0 + i * 20 + 0.3;

describe("what a phone would hear missing from the agent's stream", () => {
  it("a stream on time has no gaps and next to no jitter", () => {
    const g = hear(Array.from({ length: 100 }, (_, i) => onTime(i)));
    expect(g.gaps).toBe(0);
    expect(g.intervalGaps).toBe(0);
    expect(g.jitterMs).toBeLessThan(0.01);
  });

  it("a packet 30 ms late, the rest caught up 10 ms apart as the server's pacer does: no gap a phone hears", () => {
    const arrivals = Array.from({ length: 40 }, (_, i) => onTime(i));
    arrivals[10] = onTime(10) + 30;
    arrivals[11] = arrivals[10] + 10;
    const g = hear(arrivals);
    expect(g.gaps).toBe(0);
    expect(g.intervalGaps).toBe(2); // a 50 ms interval: the older count calls it a gap
  });

  it("packets the caller read in one go after a 100 ms stall: those later than the playout delay count", () => {
    const arrivals = Array.from({ length: 40 }, (_, i) => onTime(i));
    // Packets 10-14 queued in the socket while the thread was busy, all read at once when packet 15 was due.
    for (let i = 10; i <= 14; i++) arrivals[i] = onTime(15);
    const g = hear(arrivals);
    // Lateness 100, 80, 60, 40, 20 ms: three are over 40.
    const over = [100, 80, 60, 40, 20].filter((late) => late > PLAYOUT_DELAY_MS).length;
    expect(g.gaps).toBe(over);
  });

  it("slots the agent never sent (its timestamp moved over a stall) are gaps, on time or not", () => {
    const g = hear(Array.from({ length: 10 }, (_, i) => onTime(i)));
    // Five slots skipped: the next packet carries slot 15's timestamp and arrives on time for it.
    hear(
      Array.from({ length: 10 }, (_, i) => onTime(15 + i)),
      { from: 15 },
      g,
    );
    expect(g.gaps).toBe(5);
  });

  it("counts nothing while the agent is silent, and starts again on a new stream", () => {
    const quiet = hear(
      Array.from({ length: 10 }, (_, i) => onTime(i) + (i === 5 ? 200 : 0)),
      { talking: false },
    );
    expect(quiet.gaps + quiet.intervalGaps).toBe(0);
    // A new SSRC with its own timestamp base (a re-INVITE, another sender): not late, not a jump.
    const g = hear(Array.from({ length: 10 }, (_, i) => onTime(i)));
    hear(
      Array.from({ length: 10 }, (_, i) => onTime(10 + i)),
      { ssrc: SSRC + 1, from: 1000 },
      g,
    );
    expect(g.gaps).toBe(0);
    // The same stream moved to another timeline, a minute on or back to its start: not a gap, nor every packet late.
    hear(
      Array.from({ length: 10 }, (_, i) => onTime(20 + i)),
      { ssrc: SSRC + 1, from: 4000 },
      g,
    );
    hear(
      Array.from({ length: 10 }, (_, i) => onTime(30 + i)),
      { ssrc: SSRC + 1, from: 1 },
      g,
    );
    expect(g.gaps).toBe(0);
  });
});
