/**
 * `parley bench calls` (media part): N RTP sessions on loopback, in pairs
 * talking to each other, each sending a 20 ms packet per tick of its own
 * pacer and playing audio continuously, while a reader drains its caller
 * frames. Figures are taken over a steady-state window after a warm-up:
 * pacer lateness against the absolute timeline and send intervals (merged
 * histograms over every session), re-anchors, underruns, packets per
 * second, receive-side loss/late/concealment, CPU per session
 * (process.cpuUsage) and heap/RSS per session, plus event-loop delay.
 */
import { monitorEventLoopDelay } from "node:perf_hooks";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { float32ToInt16, sine } from "../audio/index.js";
import { rtpSection } from "../config/sections/rtp.js";
import { MsHistogram } from "../rtp/histogram.js";
import { RtpSession } from "../rtp/session.js";
import type { RtpSessionStats } from "../rtp/types.js";
import { machineFacts, round } from "./stats.js";

export interface RtpBenchOptions {
  /** Concurrent sessions per run (rounded up to even: they run in pairs); [10, 50, 100] unless told. */
  sessions?: number[];
  /** Measured seconds per run, after a 1 s warm-up; 5 unless told. */
  seconds?: number;
  host?: string;
  log?: (line: string) => void;
}

export interface RtpBenchRun {
  sessions: number;
  seconds: number;
  sendLatenessMs: { p50: number; p95: number; p99: number; max: number; mean: number };
  sendIntervalMs: { p50: number; p99: number; min: number; max: number };
  reanchors: number;
  underruns: number;
  packetsOutPerSecond: number;
  packetsInPerSecond: number;
  receive: { lost: number; late: number; concealedFrames: number; malformed: number; framesDropped: number; jitterMsMean: number; jitterMsMax: number };
  cpu: { userMs: number; systemMs: number; percentOfOneCore: number; msPerSessionPerSecond: number };
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
    o.log?.(`rtp bench: ${n} sessions for ${seconds} s`);
    runs.push(await runOnce(n + (n % 2), seconds, o.host ?? "127.0.0.1"));
  }
  return { bench: "rtp", machine: machineFacts(), runs };
}

async function runOnce(n: number, seconds: number, host: string): Promise<RtpBenchRun> {
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
  const t0 = performance.now();
  await sleep(seconds * 1000);
  const cpu = process.cpuUsage(cpu0);
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
    reanchors: delta((s) => s.pacer.reanchors),
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
    cpu: { userMs: round(cpu.user / 1000, 0), systemMs: round(cpu.system / 1000, 0), percentOfOneCore: round((cpuMs / (elapsedS * 1000)) * 100, 1), msPerSessionPerSecond: round(cpuMs / n / elapsedS, 3) },
    memory: {
      heapKbPerSession: round((mem1.heapUsed - mem0.heapUsed) / 1024 / n, 1),
      rssKbPerSession: round((mem1.rss - mem0.rss) / 1024 / n, 1),
      rssMb: round(mem1.rss / 1024 / 1024, 1),
    },
    eventLoopDelayMs: { p50: loopDelay(loop.percentile(50)), p99: loopDelay(loop.percentile(99)), max: loopDelay(loop.max) },
  };
}
