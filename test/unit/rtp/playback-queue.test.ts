import { describe, expect, it } from "vitest";
import { Channel } from "../../../src/lib/channel.js";
import { PlaybackQueue } from "../../../src/rtp/playback-queue.js";

const ramp = (n: number, start = 1) => Int16Array.from({ length: n }, (_, i) => start + i);
const tick = (q: PlaybackQueue) => {
  const out = new Int16Array(160);
  const n = q.fill(out, 160);
  return { n, out };
};
const flush = () => new Promise((r) => setImmediate(r));

describe("PlaybackQueue", () => {
  it("plays items back to back across frame boundaries and reports samples actually played", async () => {
    const q = new PlaybackQueue({ sampleRate: 8000 });
    const a = q.enqueue(ramp(250, 1));
    const b = q.enqueue(ramp(100, 1001));
    expect(q.playing).toBe(true);
    const t1 = tick(q);
    expect(t1.n).toBe(160);
    const t2 = tick(q);
    expect(t2.n).toBe(160);
    expect(t2.out[89]).toBe(250);
    expect(t2.out[90]).toBe(1001);
    await expect(a.done).resolves.toMatchObject({ completed: true, reason: "completed", playedSamples: 250 });
    const t3 = tick(q);
    expect(t3.n).toBe(30);
    await expect(b.done).resolves.toMatchObject({ completed: true, playedSamples: 100 });
    expect(q.playing).toBe(false);
  });

  it("clear() drops everything at once and says what was played", async () => {
    let idle = 0;
    const q = new PlaybackQueue({ sampleRate: 8000, onIdle: () => idle++ });
    const a = q.enqueue(ramp(8000));
    const b = q.enqueue(ramp(8000));
    tick(q);
    tick(q);
    tick(q);
    expect(q.clear()).toBe(2);
    expect(tick(q).n).toBe(0);
    await expect(a.done).resolves.toMatchObject({ completed: false, reason: "cleared", playedSamples: 480, queuedSamples: 8000 });
    await expect(b.done).resolves.toMatchObject({ completed: false, reason: "cleared", playedSamples: 0 });
    expect(idle).toBe(1);
    await q.idle();
  });

  it("an abort signal or cancel() drops only that item", async () => {
    const q = new PlaybackQueue({ sampleRate: 8000 });
    const ac = new AbortController();
    const a = q.enqueue(ramp(320), ac.signal);
    const b = q.enqueue(ramp(320, 5000));
    const c = q.enqueue(ramp(320, 9000));
    tick(q);
    ac.abort();
    c.cancel();
    const t = tick(q);
    expect(t.out[0]).toBe(5000);
    await expect(a.done).resolves.toMatchObject({ reason: "aborted", playedSamples: 160 });
    await expect(c.done).resolves.toMatchObject({ reason: "aborted", playedSamples: 0 });
    tick(q);
    await expect(b.done).resolves.toMatchObject({ reason: "completed", playedSamples: 320 });
  });

  it("streams: pulls lazily, counts an underrun when a started stream runs dry, completes at its end", async () => {
    const ch = new Channel<Int16Array>();
    const q = new PlaybackQueue({ sampleRate: 8000 });
    const p = q.enqueue(ch);
    expect(tick(q).n).toBe(0); // nothing yet: waiting, not an underrun
    ch.push(ramp(200));
    await flush();
    expect(tick(q).n).toBe(160);
    expect(tick(q).n).toBe(40); // runs dry mid-frame
    expect(tick(q).n).toBe(0); // still dry: same underrun
    ch.push(ramp(160));
    await flush();
    expect(tick(q).n).toBe(160);
    ch.close();
    await flush();
    tick(q);
    await expect(p.done).resolves.toMatchObject({ completed: true, playedSamples: 360, underruns: 1 });
    expect(q.underruns).toBe(1);
  });

  it("clearing a stream stops its producer", async () => {
    let returned = false;
    async function* tts() {
      try {
        for (let i = 0; i < 1000; i++) yield ramp(1600);
      } finally {
        returned = true;
      }
    }
    const q = new PlaybackQueue({ sampleRate: 8000, highWaterSamples: 3200 });
    const p = q.enqueue(tts());
    await flush();
    tick(q);
    q.clear();
    await flush();
    await flush();
    expect(returned).toBe(true);
    const r = await p.done;
    expect(r.queuedSamples).toBeLessThanOrEqual(4800); // pulled up to the high-water mark, not the whole answer
  });

  it("a failing stream plays what it had and reports the error; a wrong rate is refused", async () => {
    async function* broken() {
      yield { pcm: ramp(160), sampleRate: 8000, ptsMs: 0 };
      throw new Error("tts died");
    }
    const q = new PlaybackQueue({ sampleRate: 8000 });
    const p = q.enqueue(broken());
    await flush();
    await flush();
    expect(tick(q).n).toBe(160);
    tick(q);
    const r = await p.done;
    expect(r).toMatchObject({ completed: false, reason: "failed", playedSamples: 160 });
    expect(String(r.error)).toMatch(/tts died/);
    expect(() => q.enqueue({ pcm: ramp(10), sampleRate: 16000, ptsMs: 0 })).toThrow(/8000 Hz/);
  });
});
