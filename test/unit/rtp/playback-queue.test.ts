import { describe, expect, it } from "vitest";
import { Channel } from "../../../src/lib/channel.js";
import { PlaybackQueue, type PlaybackQueueOptions } from "../../../src/rtp/playback-queue.js";
import { Playout } from "../../../src/rtp/playout.js";

const ramp = (n: number, start = 1) => Int16Array.from({ length: n }, (_, i) => start + i);
const flush = () => new Promise((r) => setImmediate(r));

/**
 * The two halves of playback joined as the media worker joins them, minus
 * the thread: the main side's PlaybackQueue hands audio to the media side's
 * Playout, which reports back what it played. `tick` is one packet's worth.
 */
function line(o: Partial<PlaybackQueueOptions> = {}) {
  let now = 1000;
  const idle: number[] = [];
  let queue: PlaybackQueue;
  const playout = new Playout({
    itemStarted: (id, at) => queue.started(id, at),
    itemProgress: (id, played) => queue.progress(id, played),
    itemEnded: (id, reason, played, underruns, at) => queue.ended(id, reason, played, underruns, at),
  });
  queue = new PlaybackQueue(
    {
      enqueue: (id, pcm, end) => {
        playout.open(id);
        if (pcm) playout.push(id, pcm);
        if (end) playout.end(id, false);
      },
      push: (id, pcm) => playout.push(id, pcm),
      end: (id, failed) => playout.end(id, failed),
      cancel: (id) => playout.remove(id, "aborted", now),
      clear: () => playout.clear("cleared", now),
    },
    { sampleRate: 8000, onIdle: (at) => idle.push(at), ...o },
  );
  const tick = () => {
    now += 20;
    const out = new Int16Array(160);
    return { n: playout.fill(out, 160, now), out, at: now };
  };
  return { q: queue, playout, tick, idle };
}

describe("PlaybackQueue with its Playout", () => {
  it("plays items back to back across frame boundaries and reports samples actually played, and when each started", async () => {
    const { q, tick, idle } = line();
    const a = q.enqueue(ramp(250, 1));
    const b = q.enqueue(ramp(100, 1001));
    expect(q.playing).toBe(true);
    const t1 = tick();
    expect(t1.n).toBe(160);
    const t2 = tick();
    expect(t2.n).toBe(160);
    expect(t2.out[89]).toBe(250);
    expect(t2.out[90]).toBe(1001);
    await expect(a.done).resolves.toMatchObject({
      completed: true,
      reason: "completed",
      playedSamples: 250,
      queuedSamples: 250,
    });
    await expect(a.started).resolves.toBe(t1.at);
    await expect(b.started).resolves.toBe(t2.at);
    const t3 = tick();
    expect(t3.n).toBe(30);
    await expect(b.done).resolves.toMatchObject({ completed: true, playedSamples: 100 });
    expect(q.playing).toBe(false);
    expect(idle).toEqual([t3.at]);
  });

  it("keeps the caller's buffer: what is played is a copy", async () => {
    const { q, tick } = line();
    const pcm = ramp(160);
    const p = q.enqueue(pcm);
    pcm.fill(0);
    expect(tick().out[5]).toBe(6);
    await p.done;
  });

  it("clear() drops everything at once and says exactly what was played", async () => {
    const { q, tick, idle } = line();
    const a = q.enqueue(ramp(8000));
    const b = q.enqueue(ramp(8000));
    tick();
    tick();
    tick();
    expect(q.clear()).toBe(2);
    expect(q.playing).toBe(false);
    expect(tick().n).toBe(0);
    await expect(a.done).resolves.toMatchObject({
      completed: false,
      reason: "cleared",
      playedSamples: 480,
      queuedSamples: 8000,
    });
    await expect(b.done).resolves.toMatchObject({ completed: false, reason: "cleared", playedSamples: 0 });
    await expect(b.started).resolves.toBeNull();
    expect(idle).toHaveLength(1);
    await q.idle();
  });

  it("an abort signal or cancel() drops only that item", async () => {
    const { q, tick } = line();
    const ac = new AbortController();
    const a = q.enqueue(ramp(320), ac.signal);
    const b = q.enqueue(ramp(320, 5000));
    const c = q.enqueue(ramp(320, 9000));
    tick();
    ac.abort();
    c.cancel();
    const t = tick();
    expect(t.out[0]).toBe(5000);
    await expect(a.done).resolves.toMatchObject({ reason: "aborted", playedSamples: 160 });
    await expect(c.done).resolves.toMatchObject({ reason: "aborted", playedSamples: 0 });
    tick();
    await expect(b.done).resolves.toMatchObject({ reason: "completed", playedSamples: 320 });
    const pre = new AbortController();
    pre.abort();
    await expect(q.enqueue(ramp(10), pre.signal).done).resolves.toMatchObject({ reason: "aborted", playedSamples: 0 });
  });

  it("streams: pulls lazily, counts an underrun when a started stream runs dry, completes at its end", async () => {
    const ch = new Channel<Int16Array>();
    const { q, tick, playout } = line();
    const p = q.enqueue(ch);
    expect(tick().n).toBe(0); // nothing yet: waiting, not an underrun
    ch.push(ramp(200));
    await flush();
    expect(tick().n).toBe(160);
    expect(tick().n).toBe(40); // runs dry mid-frame
    expect(tick().n).toBe(0); // still dry: same underrun
    ch.push(ramp(160));
    await flush();
    expect(tick().n).toBe(160);
    ch.close();
    await flush();
    tick();
    await expect(p.done).resolves.toMatchObject({ completed: true, playedSamples: 360, underruns: 1 });
    expect(playout.underruns).toBe(1);
  });

  it("pulls a stream only up to the high-water mark ahead of what was played, and more as it plays", async () => {
    let pulled = 0;
    async function* tts() {
      for (let i = 0; i < 100; i++) {
        pulled++;
        yield ramp(800);
      }
    }
    const { q, tick } = line({ highWaterSamples: 1600 });
    q.enqueue(tts());
    for (let i = 0; i < 5; i++) await flush();
    expect(pulled).toBe(2); // 1600 samples queued, none played: it waits
    for (let i = 0; i < 10; i++) tick(); // 1600 played
    for (let i = 0; i < 5; i++) await flush();
    expect(pulled).toBe(4);
    q.clear();
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
    const { q, tick } = line({ highWaterSamples: 3200 });
    const p = q.enqueue(tts());
    await flush();
    tick();
    q.clear();
    await flush();
    await flush();
    expect(returned).toBe(true);
    const r = await p.done;
    expect(r.queuedSamples).toBeLessThanOrEqual(4800); // pulled up to the high-water mark, not the whole answer
    expect(r.playedSamples).toBe(160);
  });

  it("a failing stream plays what it had and reports the error; a wrong rate is refused", async () => {
    async function* broken() {
      yield { pcm: ramp(160), sampleRate: 8000, ptsMs: 0 };
      throw new Error("tts died");
    }
    const { q, tick } = line();
    const p = q.enqueue(broken());
    await flush();
    await flush();
    expect(tick().n).toBe(160);
    tick();
    const r = await p.done;
    expect(r).toMatchObject({ completed: false, reason: "failed", playedSamples: 160 });
    expect(String(r.error)).toMatch(/tts died/);
    expect(() => q.enqueue({ pcm: ramp(10), sampleRate: 16000, ptsMs: 0 })).toThrow(/8000 Hz/);
  });

  it("when the media side is lost, every item ends as failed with what it had played", async () => {
    const { q, tick } = line();
    const a = q.enqueue(ramp(1000));
    const b = q.enqueue(ramp(1000));
    tick();
    q.failAll(new Error("media worker crashed"));
    expect(q.playing).toBe(false);
    const [ra, rb] = await Promise.all([a.done, b.done]);
    expect(ra).toMatchObject({ reason: "failed", playedSamples: 160 });
    expect(String(ra.error)).toMatch(/crashed/);
    expect(rb).toMatchObject({ reason: "failed", playedSamples: 0 });
  });
});
