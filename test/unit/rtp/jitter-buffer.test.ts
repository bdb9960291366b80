import { describe, expect, it } from "vitest";
import type { PayloadDecoder } from "../../../src/rtp/codec.js";
import { JitterBuffer, type JitterFrameKind } from "../../../src/rtp/jitter-buffer.js";

/** Decodes byte b to sample b * 100, so frames are easy to recognise. */
const linear: PayloadDecoder = {
  decode(src, srcOffset, length, out, outOffset) {
    for (let i = 0; i < length; i++) out[outOffset + i] = src[srcOffset + i]! * 100;
  },
};

/** A 20 ms packet whose every sample says which packet it is (1-255). */
const pkt = (tag: number, samples = 160) => new Uint8Array(samples).fill(tag);

function makeJb(o: Partial<{ min: number; initial: number; max: number }> = {}) {
  return new JitterBuffer({
    decoder: linear,
    minDelayMs: o.min ?? 20,
    initialDelayMs: o.initial ?? 40,
    maxDelayMs: o.max ?? 200,
  });
}

/** Pulls every due frame at `now`; returns the first sample / 100 of each (0 for silence) and kinds. */
function drain(jb: JitterBuffer, now: number): { tags: number[]; kinds: JitterFrameKind[] } {
  const tags: number[] = [];
  const kinds: JitterFrameKind[] = [];
  const out = new Int16Array(160);
  while (jb.due(now)) {
    kinds.push(jb.pull(out));
    tags.push(out[0]! / 100);
  }
  return { tags, kinds };
}

/** Feeds packets (seq, ts derived from index) at their send time plus `delay(i)`, pulling every 20 ms. */
function run(
  order: { i: number; arriveMs: number }[],
  opts: { seq0?: number; ts0?: number; ticks: number; jb?: JitterBuffer },
) {
  const jb = opts.jb ?? makeJb();
  const seq0 = opts.seq0 ?? 1000;
  const ts0 = opts.ts0 ?? 5000;
  const sorted = [...order].sort((a, b) => a.arriveMs - b.arriveMs);
  const tags: number[] = [];
  const kinds: JitterFrameKind[] = [];
  let k = 0;
  for (let tick = 0; tick < opts.ticks; tick++) {
    const now = tick * 20;
    while (k < sorted.length && sorted[k]!.arriveMs <= now) {
      const { i, arriveMs } = sorted[k++]!;
      jb.push(42, (seq0 + i) & 0xffff, (ts0 + i * 160) >>> 0, pkt((i % 250) + 1), 0, 160, arriveMs);
    }
    const r = drain(jb, now);
    tags.push(...r.tags);
    kinds.push(...r.kinds);
  }
  return { jb, tags, kinds };
}

const inOrder = (n: number, jitter: (i: number) => number = () => 0) =>
  Array.from({ length: n }, (_, i) => ({ i, arriveMs: i * 20 + jitter(i) }));

describe("JitterBuffer", () => {
  it("plays an in-order stream out whole, in order, after the initial delay", () => {
    const { tags, kinds, jb } = run(inOrder(50), { ticks: 60 });
    expect(tags.slice(0, 50)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(kinds.slice(0, 50).every((k) => k === "audio")).toBe(true);
    expect(jb.counters.late).toBe(0);
  });

  it("reorders a shuffled stream and drops duplicates", () => {
    // Packets arrive within 30 ms of their time in random order; every 7th is sent twice.
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) % 1000) / 1000;
    const order = inOrder(100, () => rand() * 30);
    for (let i = 0; i < 100; i += 7) order.push({ i, arriveMs: i * 20 + 35 });
    const jb = makeJb({ initial: 60 });
    const { tags } = run(order, { ticks: 120, jb });
    expect(tags.slice(0, 100)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    expect(jb.counters.duplicates).toBe(15);
    expect(jb.counters.late).toBe(0);
  });

  it("handles sequence and timestamp wraparound together", () => {
    const { tags, kinds } = run(inOrder(40), { ticks: 50, seq0: 65520, ts0: 2 ** 32 - 160 * 20 });
    expect(tags.slice(0, 40)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    expect(kinds.slice(0, 40).every((k) => k === "audio")).toBe(true);
  });

  it("conceals a lost frame by repeating the last one at half level, once, then silence", () => {
    const order = inOrder(20).filter(({ i }) => i !== 5 && !(i >= 10 && i <= 12));
    const { kinds, tags } = run(order, { ticks: 30 });
    expect(kinds.slice(0, 14)).toEqual([
      "audio",
      "audio",
      "audio",
      "audio",
      "audio",
      "concealed",
      "audio",
      "audio",
      "audio",
      "audio",
      "concealed",
      "silence",
      "silence",
      "audio",
    ]);
    expect(tags[5]).toBe(5 / 2); // frame 5's stand-in is frame 4 (tag 5) at half amplitude
    expect(tags[11]).toBe(0);
  });

  it("drops and counts packets that come after their playout time", () => {
    const order = inOrder(30).map((p) => (p.i === 10 ? { i: 10, arriveMs: 10 * 20 + 150 } : p));
    const { jb, kinds } = run(order, { ticks: 40 });
    expect(jb.counters.late).toBe(1);
    expect(kinds[10]).toBe("concealed");
  });

  it("raises the target delay on jitter, so the same jitter later costs nothing, then relaxes", () => {
    const jb = makeJb({ min: 20, initial: 20, max: 200 });
    // A 100 ms delay spike on packet 20 is late; a 70 ms spike on packet 40 is absorbed.
    const spikes = new Map([
      [20, 100],
      [40, 70],
    ]);
    const { kinds } = run(
      inOrder(60, (i) => spikes.get(i) ?? 0),
      { ticks: 70, jb },
    );
    expect(jb.counters.late).toBe(1);
    expect(kinds.slice(0, 60).filter((k) => k !== "audio").length).toBe(1);
    const raised = jb.targetDelayMs;
    expect(raised).toBeGreaterThan(80);
    expect(raised).toBeLessThanOrEqual(100);
    // A calm stream afterwards lets the target decay back towards the minimum.
    const calm = makeJb({ min: 20, initial: 20, max: 200 });
    run(
      inOrder(600, (i) => (i === 20 ? 100 : 0)),
      { ticks: 610, jb: calm },
    );
    expect(calm.targetDelayMs).toBe(20);
    expect(calm.counters.resets).toBe(0);
  });

  it("stays within min and max delay", () => {
    const jb = makeJb({ min: 30, initial: 30, max: 80 });
    run(
      inOrder(50, (i) => (i % 10 === 0 ? 400 : 0)),
      { ticks: 80, jb },
    );
    expect(jb.targetDelayMs).toBeLessThanOrEqual(80);
    const calm = makeJb({ min: 30, initial: 200, max: 200 });
    run(inOrder(2000), { ticks: 2010, jb: calm });
    expect(calm.targetDelayMs).toBe(30);
  });

  it("resets on a new SSRC and on a big timestamp jump", () => {
    const jb = makeJb();
    const out = new Int16Array(160);
    for (let i = 0; i < 10; i++) jb.push(1, i, i * 160, pkt(i + 1), 0, 160, i * 20);
    while (jb.due(200)) jb.pull(out);
    jb.push(2, 500, 999_999, pkt(77), 0, 160, 200);
    expect(jb.counters.resets).toBe(1);
    expect(drain(jb, 200 + 40).tags[0]).toBe(77);
    jb.push(2, 501, 999_999 + 160 + 8000 * 60, pkt(78), 0, 160, 260); // +60 s of media in 20 ms
    expect(jb.counters.resets).toBe(2);
    expect(drain(jb, 260 + 45).tags[0]).toBe(78);
  });

  it("resets when the sender steps its clock back (a run of late packets)", () => {
    const jb = makeJb();
    const out = new Int16Array(160);
    let now = 0;
    for (let i = 0; i < 20; i++, now += 20) {
      jb.push(1, i, 100_000 + i * 160, pkt(1), 0, 160, now);
      while (jb.due(now)) jb.pull(out);
    }
    // 400 ms back in media time, same wall clock pace
    for (let i = 20; i < 40; i++, now += 20) {
      jb.push(1, i, 100_000 + (i - 50) * 160, pkt(2), 0, 160, now);
      while (jb.due(now)) jb.pull(out);
    }
    expect(jb.counters.resets).toBe(1);
    expect(jb.counters.late).toBe(9);
    expect(out[0]).toBe(200);
  });

  it("never holds more than its window: far-future packets are refused", () => {
    const jb = makeJb({ max: 200 });
    expect(jb.push(1, 0, 0, pkt(1), 0, 160, 0)).toBe("stored");
    let refused = 0;
    for (let i = 1; i < 200; i++) if (jb.push(1, i, i * 160, pkt(1), 0, 160, 0) === "too_early") refused++;
    // The ring holds about a second (max delay + margin, rounded up to a power of two of samples).
    expect(refused).toBeGreaterThan(140);
    expect(jb.bufferedMs).toBeLessThanOrEqual(1024);
    expect(jb.push(1, 300, 0, pkt(1), 0, 481, 0)).toBe("oversize");
  });

  it("accepts other packet times (30 ms) and still emits 20 ms frames", () => {
    const jb = makeJb();
    const tags: number[] = [];
    const out = new Int16Array(160);
    for (let now = 0; now <= 600; now += 10) {
      if (now % 30 === 0) {
        const i = now / 30;
        jb.push(1, i, i * 240, pkt(i + 1, 240), 0, 240, now);
      }
      while (jb.due(now)) {
        expect(jb.pull(out)).toBe("audio");
        tags.push(out[0]! / 100, out[159]! / 100);
      }
    }
    // Frame k covers samples 160k..160k+159: packet floor(160k/240) at its start, floor((160k+159)/240) at its end.
    const want: number[] = [];
    for (let k = 0; k < tags.length / 2; k++)
      want.push(Math.floor((160 * k) / 240) + 1, Math.floor((160 * k + 159) / 240) + 1);
    expect(tags).toEqual(want);
    expect(tags.length / 2).toBeGreaterThan(25);
  });

  it("packets delayed by our own blocked event loop are played, not taken as network jitter", () => {
    const jb = makeJb({ min: 20, initial: 20, max: 200 });
    const out = new Int16Array(160);
    const kinds: JitterFrameKind[] = [];
    let i = 0;
    const push = (now: number) => jb.push(1, i, i * 160, pkt((i++ % 250) + 1), 0, 160, now);
    for (let now = 0; now < 400; now += 20) {
      push(now);
      while (jb.due(now)) kinds.push(jb.pull(out));
    }
    // Blocked from 400 to 500: the five packets sent meanwhile are read together at 500, then playout runs.
    jb.localStall = true;
    for (let k = 0; k < 6; k++) push(500);
    while (jb.due(500)) kinds.push(jb.pull(out));
    jb.localStall = false;
    expect(kinds.every((k) => k === "audio")).toBe(true);
    expect(jb.counters.late).toBe(0);
    expect(jb.targetDelayMs).toBe(20);
  });
});
