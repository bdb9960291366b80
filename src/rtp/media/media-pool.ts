/**
 * The media threads of this process. The first session starts one (the
 * start-up cost is paid once, not per call); sessions go to the thread
 * holding the fewest, up to `rtp.mediaThreads` threads; a thread ends a few
 * seconds after its last session closed (so a burst of short calls, or a
 * test file, reuses it) and never holds the process open on its own.
 *
 * A server starts its threads before its engines load and keeps them
 * (`keep`). Starting one later costs the whole process: asking for realtime
 * scheduling runs `chrt`, a fork, and after a fork every page the engines
 * write again faults once (copy-on-write). With the models loaded that was
 * 20,000 faults and +300 ms on the next TTS sentence on a 2-core VM.
 *
 * The pool also answers for the whole media plane's timing (`/metrics`):
 * its threads' shared figures, plus those of threads already gone.
 */
import type { Logger } from "../../lib/logger.js";
import { MsHistogram } from "../histogram.js";
import { MediaWorker } from "./media-worker.js";
import type { MediaThreadPriority } from "./thread-priority.js";

/** How long an empty thread waits for a new session before it ends. */
const IDLE_MS = 3000;

/** The media plane's send timing, over every media thread since the process started. */
export interface MediaPlaneFigures {
  threads: number;
  sessions: number;
  ticks: number;
  /** Ticks a frame or more late (the OS held a media thread up), and the slots they skipped. */
  stalls: number;
  skippedSlots: number;
  /** How far the latest packets left behind real time (the worst session, now), and the most ever. */
  lagMs: number;
  maxLagMs: number;
  /** Time between the media clock's ticks, and how late each ran. */
  tickIntervals: MsHistogram;
  tickLateness: MsHistogram;
  /** CPU the media threads used, and time they waited runnable for a CPU (Linux; 0 elsewhere). */
  cpuMs: number;
  runQueueWaitMs: number;
  /** The scheduling the live threads got ("normal" if any of them got only that). */
  priority: MediaThreadPriority | null;
}

/** How a thread is started: its scheduling, and where to say what it got. */
export interface ThreadOptions {
  threads: number;
  priority: MediaThreadPriority;
  logger?: Logger;
}

class MediaPool {
  private workers: MediaWorker[] = [];
  /** Threads stay after their last session (a server, from `keep` to `release`). */
  private keeping = false;
  private readonly idle = new Map<MediaWorker, NodeJS.Timeout>();
  private readonly retired = {
    ticks: 0,
    stalls: 0,
    skippedSlots: 0,
    maxLagMs: 0,
    cpuMs: 0,
    runQueueWaitMs: 0,
    tickIntervals: new MsHistogram(),
    tickLateness: new MsHistogram(),
  };

  /** A thread for one more session (started if needed; await its `ready`). */
  acquire(o: ThreadOptions): MediaWorker {
    const live = this.workers.filter((w) => w.available); // not one that is dying or being stopped
    let pick: MediaWorker | undefined;
    if (live.length < o.threads) {
      pick = this.start(o);
    } else {
      pick = live.reduce((a, b) => (b.load < a.load ? b : a));
    }
    const timer = this.idle.get(pick);
    if (timer) clearTimeout(timer);
    this.idle.delete(pick);
    return pick;
  }

  /**
   * Starts the threads `o` allows now and keeps every thread until `release`: a server calls it before its
   * engines load, while a fork of the process is still cheap. Rejects if a thread cannot start.
   */
  async keep(o: ThreadOptions): Promise<void> {
    this.keeping = true;
    for (const timer of this.idle.values()) clearTimeout(timer);
    this.idle.clear();
    const live = () => this.workers.filter((w) => w.available);
    while (live().length < o.threads) this.start(o);
    await Promise.all(live().map((w) => w.ready));
  }

  /** Ends `keep`: empty threads end after the grace period, as without it. */
  release(): void {
    this.keeping = false;
    for (const w of this.workers) this.released(w);
  }

  /** A session of `w` is gone: an empty thread ends after a grace period (unless the pool keeps its threads). */
  released(w: MediaWorker): void {
    if (this.keeping || w.load > 0 || !w.available || this.idle.has(w)) return;
    const timer = setTimeout(() => {
      this.idle.delete(w);
      if (w.load > 0) return;
      const cpu = w.cpu(); // read while the thread is still there
      this.retired.cpuMs += cpu?.cpuMs ?? 0;
      this.retired.runQueueWaitMs += cpu?.waitMs ?? 0;
      void w.stop();
    }, IDLE_MS);
    timer.unref();
    this.idle.set(w, timer);
  }

  private start(o: ThreadOptions): MediaWorker {
    const w = new MediaWorker(o.priority);
    w.onExit = () => this.forget(w);
    void w.ready.then(
      () => {
        const p = w.priority;
        if (p.got !== p.asked)
          o.logger?.warn(
            { asked: p.asked, got: p.got, reason: p.error },
            "media thread runs below the priority asked (rtp.mediaThreadPriority): packets may be late when the CPUs are saturated",
          );
        else o.logger?.info({ priority: p.got }, "media thread started");
      },
      () => undefined,
    );
    this.workers.push(w);
    return w;
  }

  /** The live threads (tests, diagnostics). */
  threads(): readonly MediaWorker[] {
    return this.workers;
  }

  figures(): MediaPlaneFigures {
    const r = this.retired;
    const out: MediaPlaneFigures = {
      threads: this.workers.length,
      sessions: 0,
      ticks: r.ticks,
      stalls: r.stalls,
      skippedSlots: r.skippedSlots,
      lagMs: 0,
      maxLagMs: r.maxLagMs,
      tickIntervals: new MsHistogram(),
      tickLateness: new MsHistogram(),
      cpuMs: r.cpuMs,
      runQueueWaitMs: r.runQueueWaitMs,
      priority: null,
    };
    const rank = { normal: 0, high: 1, realtime: 2 } as const;
    out.tickIntervals.merge(r.tickIntervals);
    out.tickLateness.merge(r.tickLateness);
    for (const w of this.workers) {
      const p = w.plane;
      p.sync();
      out.sessions += p.get("sessions");
      out.ticks += p.get("ticks");
      out.stalls += p.get("stalls");
      out.skippedSlots += p.get("skippedSlots");
      out.lagMs = Math.max(out.lagMs, p.get("lagMs"));
      out.maxLagMs = Math.max(out.maxLagMs, p.get("maxLagMs"));
      out.tickIntervals.merge(p.histogram("tickIntervals"));
      out.tickLateness.merge(p.histogram("tickLateness"));
      const cpu = w.cpu();
      out.cpuMs += cpu?.cpuMs ?? 0;
      out.runQueueWaitMs += cpu?.waitMs ?? 0;
      const got = w.priority.got;
      if (out.priority === null || rank[got] < rank[out.priority]) out.priority = got;
    }
    return out;
  }

  /** A thread ended: keep its figures (counters stay monotonic), drop the thread. */
  private forget(w: MediaWorker): void {
    const timer = this.idle.get(w);
    if (timer) clearTimeout(timer);
    this.idle.delete(w);
    this.workers = this.workers.filter((x) => x !== w);
    const p = w.plane;
    const r = this.retired;
    p.sync();
    r.ticks += p.get("ticks");
    r.stalls += p.get("stalls");
    r.skippedSlots += p.get("skippedSlots");
    r.maxLagMs = Math.max(r.maxLagMs, p.get("maxLagMs"));
    r.tickIntervals.merge(p.histogram("tickIntervals"));
    r.tickLateness.merge(p.histogram("tickLateness"));
  }
}

/** The process's media threads. */
export const mediaPool = new MediaPool();

/** Starts the media threads now and keeps them (a server, before its engines load: see the pool). */
export function keepMediaThreads(o: ThreadOptions): Promise<void> {
  return mediaPool.keep(o);
}

/** The media threads end when idle again, as without `keepMediaThreads`. */
export function releaseMediaThreads(): void {
  mediaPool.release();
}

/** The whole media plane's send timing (for /metrics). */
export function mediaPlaneFigures(): MediaPlaneFigures {
  return mediaPool.figures();
}
