import { afterEach, describe, expect, it, vi } from "vitest";
import { CallMetrics } from "../../../src/calls/metrics.js";
import { createMetricsRegistry } from "../../../src/lib/metrics.js";
import { keepMediaThreads, mediaPool, releaseMediaThreads } from "../../../src/rtp/media/media-pool.js";
import type { RtpSession } from "../../../src/rtp/session.js";
import { readFileSync } from "node:fs";
import { RawPeer, collect, media, openPair, openSession, rtpConfig, sleep, tonePcm } from "./helpers.js";

const open: { close(): Promise<unknown> }[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});
const track = <T extends { close(): Promise<unknown> }>(x: T) => (open.push(x), x);

/** Past the 3 s idle grace period, the idle threads have ended (a thread's exit is not instant on a loaded box). */
async function idleThreadsEnded(): Promise<void> {
  await sleep(3000);
  await vi.waitFor(() => expect(mediaPool.threads()).toHaveLength(0), { timeout: 10_000, interval: 50 });
}

/** Blocks this (the main) thread, as a synchronous decode or a long GC would. */
function blockMainThread(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // busy
  }
}

describe("the media thread", () => {
  it("keeps sending and receiving while the main thread is blocked, and hands over every frame afterwards", async () => {
    const [a, b] = (await openPair()).map(track) as [RtpSession, RtpSession];
    const heard = collect(b.frames);
    a.play(tonePcm(2000));
    await sleep(200);
    const before = { out: a.stats().packetsOut, in: b.stats().packetsIn };
    blockMainThread(400);
    // Read before this thread yields once: whatever moved, moved while it was blocked.
    const during = { out: a.stats().packetsOut - before.out, in: b.stats().packetsIn - before.in };
    expect(during.out).toBeGreaterThanOrEqual(8); // 20 slots in 400 ms; fewer only on a badly overloaded machine
    expect(during.in).toBeGreaterThanOrEqual(8);
    await sleep(300);
    const framesOut = b.stats().jitterBuffer.framesOut;
    await b.close();
    await heard.done;
    expect(heard.frames.length).toBeGreaterThanOrEqual(framesOut - 1);
    expect(b.stats().inboundFramesDropped).toBe(0);
    expect(heard.frames.every((f, i) => f.ptsMs === i * 20 && f.pcm.length === 160)).toBe(true);
  });

  it("reports when each playback started on this thread's clock, between queuing it and its end", async () => {
    const peer = track(await RawPeer.open());
    const a = track(await openSession());
    a.start(media(peer.port));
    await sleep(40);
    const queuedAt = performance.now();
    const p = a.play(tonePcm(200));
    const result = await p.done;
    const doneAt = performance.now();
    const started = await p.started;
    expect(result).toMatchObject({ completed: true, playedSamples: 1600 });
    expect(started).not.toBeNull();
    expect(started!).toBeGreaterThanOrEqual(queuedAt);
    expect(started!).toBeLessThanOrEqual(doneAt);
  });

  it("runs many sessions on one thread, started with the first, ended a while after the last, holding the process only meanwhile", async () => {
    const sessions = await Promise.all([0, 1, 2, 3].map(() => openSession()));
    expect(mediaPool.threads()).toHaveLength(1);
    expect(mediaPool.figures().sessions).toBe(4);
    await Promise.all(sessions.map((s) => s.close()));
    expect(mediaPool.figures().sessions).toBe(0);
    await idleThreadsEnded();
    const again = track(await openSession());
    expect(again.localPort).toBeGreaterThan(0);
    expect(mediaPool.threads()).toHaveLength(1);
  });

  it("kept threads (a server's) start before any session and stay after the last one until released", async () => {
    await idleThreadsEnded(); // the threads of the tests before
    await keepMediaThreads({ threads: 2, priority: "normal" });
    const kept = [...mediaPool.threads()];
    expect(kept).toHaveLength(2);
    const sessions = await Promise.all([0, 1, 2].map(() => openSession()));
    expect(mediaPool.threads()).toEqual(kept); // no thread started for a call
    await Promise.all(sessions.map((s) => s.close()));
    await sleep(3500); // past the idle grace period
    expect(mediaPool.threads()).toEqual(kept);
    releaseMediaThreads();
    await idleThreadsEnded();
  });

  it("a media thread that dies fails its sessions loudly; the next session gets a fresh thread", async () => {
    const [a, b] = await openPair();
    const playback = a.play(tonePcm(5000));
    // Readers that drain the streams until they end, and say how.
    const drain = async (s: AsyncIterable<unknown>) => {
      for await (const _ of s) void _;
    };
    const frames = drain(a.frames);
    const events = drain(b.events);
    const dtmf = a.sendDtmf("123");
    await sleep(200);
    const [thread] = mediaPool.threads();
    await thread!.kill();
    await expect(frames).rejects.toMatchObject({ code: "rtp_media_worker_crashed" });
    await expect(events).rejects.toMatchObject({ code: "rtp_media_worker_crashed" });
    const r = await playback.done;
    expect(r.reason).toBe("failed");
    expect(String((r.error as Error).message)).toMatch(/media worker thread exited/);
    await expect(dtmf).resolves.toBe(false);
    expect(() => a.play(tonePcm(100))).toThrow(/media failed/);
    const stats = await a.close(); // still answers, with the last figures it had
    expect(stats.packetsOut).toBeGreaterThan(0);
    await b.close();
    const fresh = track(await openSession());
    expect(mediaPool.threads()).toHaveLength(1);
    expect(mediaPool.threads()[0]).not.toBe(thread);
    expect(fresh.closed).toBe(false);
  });

  it("shows its send clock in /metrics", async () => {
    const registry = createMetricsRegistry({ defaults: false });
    new CallMetrics(registry);
    const [a] = (await openPair()).map(track) as [RtpSession, RtpSession];
    a.play(tonePcm(500));
    await sleep(400);
    const text = await registry.metrics();
    const value = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, "m").exec(text)?.[1]);
    expect(value("parley_rtp_media_sessions")).toBe(2);
    expect(value("parley_rtp_send_lag_seconds")).toBeGreaterThanOrEqual(0);
    expect(value("parley_rtp_send_lag_seconds")).toBeLessThan(0.04); // skipped slots keep it under two frames, by design
    expect(value("parley_rtp_send_stalls_total")).toBeGreaterThanOrEqual(0);
    expect(value('parley_rtp_media_tick_interval_seconds\\{quantile="0.5"\\}')).toBeGreaterThan(0.005);
    expect(text).toContain("parley_rtp_send_skipped_frames_total");
    expect(text).toContain("parley_rtp_call_max_lag_seconds_bucket");
  });

  it("runs at the scheduling asked for where the OS allows it, and says truly what it got", async () => {
    for (const t of mediaPool.threads()) await t.kill(); // a fresh thread takes the new setting
    for (const asked of ["realtime", "high", "normal"] as const) {
      const s = await openSession({ config: rtpConfig({ mediaThreadPriority: asked }) });
      const [thread] = mediaPool.threads();
      const p = thread!.priority;
      expect(p.asked).toBe(asked);
      // What the kernel says of the thread: scheduling policy (0 normal, 2 round-robin) and nice.
      const tid = thread!.threadId;
      if (tid !== null) {
        const fields = readFileSync(`/proc/self/task/${tid}/stat`, "utf8").split(") ")[1]!.split(" ");
        const nice = Number(fields[16]);
        const policy = Number(fields[38]);
        // "normal" leaves the thread as the process runs (a test runner may itself run under nice).
        const base = Number(readFileSync(`/proc/self/task/${process.pid}/stat`, "utf8").split(") ")[1]!.split(" ")[16]);
        expect(
          { realtime: policy === 2, high: policy === 0 && nice === -10, normal: policy === 0 && nice === base }[p.got],
        ).toBe(true);
      }
      if (p.got !== asked) expect(p.error).toMatch(/refused|only set on Linux/);
      else expect(p.error).toBeNull();
      await s.close();
      await thread!.kill();
    }
  });
});
