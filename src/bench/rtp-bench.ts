/**
 * `parley bench rtp`: N RTP sessions on loopback, in pairs talking to each
 * other, each sending a 20 ms packet per tick of the media thread's clock and
 * playing audio continuously, while the main thread drains their caller
 * frames. Figures are taken over a steady-state window after a warm-up: send
 * lag against the real time the timestamps tell and send intervals (merged
 * histograms over every session), stalls and skipped slots, underruns,
 * packets per second, receive-side loss/late/concealment, CPU of the media
 * thread per session (Linux /proc schedstat) and of the whole process,
 * heap/RSS per session, and the main thread's event-loop delay. With
 * `mainStallMs`, the main thread is blocked that long every second during
 * the window (as slow inference callbacks would block it), to show that the
 * media does not notice.
 */
import { monitorEventLoopDelay } from "node:perf_hooks";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { float32ToInt16, sine } from "../audio/index.js";
import { rtpSection } from "../config/sections/rtp.js";
import { MsHistogram } from "../rtp/histogram.js";
import { mediaPool } from "../rtp/media/media-pool.js";
import { RtpSession } from "../rtp/session.js";
import type { RtpSessionStats } from "../rtp/types.js";
import { machineFacts, round } from "./stats.js";

export interface RtpBenchOptions {
  /** Concurrent sessions per run (rounded up to even: they run in pairs); [10, 50, 100] unless told. */
  sessions?: number[];
  /** Measured seconds per run, after a 1 s warm-up; 5 unless told. */
  seconds?: number;
  /** Block the main thread this long every second of the window (busy-wait); 0 unless told. */
  mainStallMs?: number;
  host?: string;
  log?: (line: string) => void;
}

export interface RtpBenchRun {
  sessions: number;
  seconds: number;
  /** Each packet's lag behind the real time its timestamp tells (under 40 ms by design). */
  sendLatenessMs: { p50: number; p95: number; p99: number; max: number; mean: number };
  sendIntervalMs: { p50: number; p99: number; min: number; max: number };
  /** Media clock ticks a frame or more late (the media thread was held up), and the slots they skipped. */
  stalls: number;
  skippedFrames: number;
  /** Worst lag of a packet behind the real time its timestamp tells. */
  maxLagMs: number;
  underruns: number;
  packetsOutPerSecond: number;
  packetsInPerSecond: number;
  receive: {
    lost: number;
    late: number;
    concealedFrames: number;
    malformed: number;
    framesDropped: number;
    jitterMsMean: number;
    jitterMsMax: number;
  };
  cpu: { userMs: number; systemMs: number; percentOfOneCore: number; msPerSessionPerSecond: number };
  /** The media thread(s) alone (null where the OS does not say): CPU, and time runnable but waiting for a CPU. */
  mediaThread: {
    cpuMs: number;
    percentOfOneCore: number;
    msPerSessionPerSecond: number;
    runQueueWaitMs: number;
  } | null;
  /** Main-thread stalls injected during the window (mainStallMs), and their total. */
  mainStalls: { count: number; totalMs: number };
  memory: { heapKbPerSession: number; rssKbPerSession: number; rssMb: number };
  /** How late the event loop ran timers (beyond the sampler's own period). */
  eventLoopDelayMs: { p50: number; p99: number; max: number };
}

/** The event-loop delay monitor samples with a timer of this period; its figures include it, the report does not. */
const LOOP_SAMPLE_MS = 5;
const loopDelay = (ns: number) => round(Math.max(0, ns / 1e6 - LOOP_SAMPLE_MS), 2);

/** A full GC before each memory reading, so per-session heap figures are not GC noise. */
function exposeGc(): () => void {
  const existing = (globalThis as { gc?: () => void }).gc;
  if (existing) return existing;
  setFlagsFromString("--expose-gc");
  return runInNewContext("gc") as () => void;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Runs the benchmark; returns a JSON-able report. */
export async function benchRtp(o: RtpBenchOptions = {}) {
  const counts = o.sessions ?? [10, 50, 100];
  const seconds = o.seconds ?? 5;
  const runs: RtpBenchRun[] = [];
  for (const n of counts) {
    o.log?.(
      `rtp bench: ${n} sessions for ${seconds} s${o.mainStallMs ? `, main thread blocked ${o.mainStallMs} ms every second` : ""}`,
    );
    runs.push(await runOnce(n + (n % 2), seconds, o.host ?? "127.0.0.1", o.mainStallMs ?? 0));
  }
  return { bench: "rtp", machine: machineFacts(), mainStallMs: o.mainStallMs ?? 0, runs };
}

/** CPU of the media threads now (summed), or null where the OS does not say. */
function mediaCpu(): { cpuMs: number; waitMs: number } | null {
  const all = mediaPool.threads().map((w) => w.cpu());
  if (all.length === 0 || all.some((c) => c === null)) return null;
  return all.reduce<{ cpuMs: number; waitMs: number }>(
    (sum, c) => ({ cpuMs: sum.cpuMs + c!.cpuMs, waitMs: sum.waitMs + c!.waitMs }),
    { cpuMs: 0, waitMs: 0 },
  );
}

/** Blocks the main thread `ms` every second until stopped, the way a synchronous decode would. */
function stallMainThread(ms: number): { stop(): { count: number; totalMs: number } } {
  let count = 0;
  let totalMs = 0;
  const timer =
    ms > 0
      ? setInterval(() => {
          const t0 = performance.now();
          while (performance.now() - t0 < ms) {
            // busy
          }
          count++;
          totalMs += performance.now() - t0;
        }, 1000)
      : null;
  return { stop: () => (timer && clearInterval(timer), { count, totalMs: round(totalMs, 0) }) };
}

async function runOnce(n: number, seconds: number, host: string, mainStallMs: number): Promise<RtpBenchRun> {
  const config = rtpSection.parse({ bindHost: host });
  // One shared tone, long enough for warm-up and window: play() does not copy it.
  const audio = float32ToInt16(sine(440, { sampleRate: 8000, durationMs: (seconds + 3) * 1000, amplitude: 0.3 }));
  const gc = exposeGc();
  gc();
  const mem0 = process.memoryUsage();
  const sessions: RtpSession[] = [];
  for (let i = 0; i < n; i++) sessions.push(await RtpSession.open({ config, port: 0 }));
  const readers = sessions.map(async (s) => {
    let frames = 0;
    for await (const _ of s.frames) frames++;
    return frames;
  });
  for (let i = 0; i < n; i += 2) {
    const a = sessions[i]!;
    const b = sessions[i + 1]!;
    a.start({ remoteAddress: host, remotePort: b.localPort, codec: "pcmu", telephoneEventPt: 101 });
    b.start({ remoteAddress: host, remotePort: a.localPort, codec: "pcmu", telephoneEventPt: 101 });
  }
  for (const s of sessions) s.play(audio);
  await sleep(1000);

  const before = sessions.map((s) => s.stats());
  for (const s of sessions) s.timing.resetTiming();
  const loop = monitorEventLoopDelay({ resolution: LOOP_SAMPLE_MS });
  loop.enable();
  gc();
  const mem1 = process.memoryUsage();
  const cpu0 = process.cpuUsage();
  const media0 = mediaCpu();
  const t0 = performance.now();
  const stalls = stallMainThread(mainStallMs);
  await sleep(seconds * 1000);
  const mainStalls = stalls.stop();
  const cpu = process.cpuUsage(cpu0);
  const media1 = mediaCpu();
  const elapsedS = (performance.now() - t0) / 1000;
  loop.disable();
  const after = sessions.map((s) => s.stats());
  const lateness = new MsHistogram();
  const intervals = new MsHistogram();
  for (const s of sessions) {
    lateness.merge(s.timing.lateness);
    intervals.merge(s.timing.intervals);
  }
  await Promise.all(sessions.map((s) => s.close()));
  await Promise.all(readers);

  const delta = (f: (s: RtpSessionStats) => number) => after.reduce((sum, s, i) => sum + f(s) - f(before[i]!), 0);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  const jitters = after.map((s) => s.jitterMs);
  const l = lateness.summary();
  const iv = intervals.summary();
  return {
    sessions: n,
    seconds: round(elapsedS, 2),
    sendLatenessMs: { p50: l.p50Ms, p95: l.p95Ms, p99: l.p99Ms, max: l.maxMs, mean: l.meanMs },
    sendIntervalMs: { p50: iv.p50Ms, p99: iv.p99Ms, min: iv.minMs, max: iv.maxMs },
    stalls: delta((s) => s.pacer.stalls),
    skippedFrames: delta((s) => s.pacer.skippedFrames),
    maxLagMs: round(Math.max(...after.map((s) => s.pacer.maxLagMs)), 2),
    underruns: delta((s) => s.underruns),
    packetsOutPerSecond: round(delta((s) => s.packetsOut) / elapsedS, 0),
    packetsInPerSecond: round(delta((s) => s.packetsIn) / elapsedS, 0),
    receive: {
      lost: delta((s) => s.lost),
      late: delta((s) => s.late),
      concealedFrames: delta((s) => s.jitterBuffer.concealedFrames),
      malformed: delta((s) => s.malformed),
      framesDropped: delta((s) => s.inboundFramesDropped),
      jitterMsMean: round(jitters.reduce((a, b) => a + b, 0) / jitters.length, 2),
      jitterMsMax: round(Math.max(...jitters), 2),
    },
    cpu: {
      userMs: round(cpu.user / 1000, 0),
      systemMs: round(cpu.system / 1000, 0),
      percentOfOneCore: round((cpuMs / (elapsedS * 1000)) * 100, 1),
      msPerSessionPerSecond: round(cpuMs / n / elapsedS, 3),
    },
    mediaThread:
      media0 && media1
        ? {
            cpuMs: round(media1.cpuMs - media0.cpuMs, 0),
            percentOfOneCore: round(((media1.cpuMs - media0.cpuMs) / (elapsedS * 1000)) * 100, 1),
            msPerSessionPerSecond: round((media1.cpuMs - media0.cpuMs) / n / elapsedS, 3),
            runQueueWaitMs: round(media1.waitMs - media0.waitMs, 0),
          }
        : null,
    mainStalls,
    memory: {
      heapKbPerSession: round((mem1.heapUsed - mem0.heapUsed) / 1024 / n, 1),
      rssKbPerSession: round((mem1.rss - mem0.rss) / 1024 / n, 1),
      rssMb: round(mem1.rss / 1024 / 1024, 1),
    },
    eventLoopDelayMs: {
      p50: loopDelay(loop.percentile(50)),
      p99: loopDelay(loop.percentile(99)),
      max: loopDelay(loop.max),
    },
  };
}
