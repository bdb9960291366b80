/**
 * The main-thread side of one media worker thread: spawns it (compiled JS,
 * or TypeScript sources under tsx/vitest through a bootstrap that registers
 * tsx, as the engine workers do), binds sessions' sockets in it, and routes
 * its batched news to the RtpSession handles by session id.
 *
 * The thread keeps the process alive only while it holds sessions. If it
 * dies unasked (a bug, an out-of-memory), every session it held fails at
 * once and says why: their frame and event streams reject, their playbacks
 * end as "failed", and the pool starts a fresh thread for the next call.
 */
import { readFileSync } from "node:fs";
import type { TransferListItem, Worker } from "node:worker_threads";
import { spawnWorker } from "../../lib/spawn-worker.js";
import { RtpError } from "../errors.js";
import { SharedFigures } from "../shared-figures.js";
import {
  type BindRequest,
  type FromMedia,
  PLANE_COUNTERS,
  PLANE_HISTOGRAMS,
  type SessionUpdate,
  type ToMedia,
} from "./protocol.js";
import type { MediaThreadPriority, PriorityOutcome } from "./thread-priority.js";
import type { PlaneFigures } from "./media-host.js";

/** What a session handle takes from its worker. */
export interface SessionPort {
  /** `count` caller frames at `frames[offset...]` (20 ms of 8 kHz PCM16 each). */
  deliverFrames(frames: Int16Array, offset: number, count: number): void;
  deliverProgress(item: number, playedSamples: number): void;
  deliver(u: SessionUpdate): void;
  closedByWorker(u: SessionUpdate | null): void;
  fail(err: Error): void;
}

interface PendingBind {
  resolve: (port: number) => void;
  reject: (err: Error) => void;
}

export class MediaWorker {
  readonly plane: PlaneFigures;
  readonly ready: Promise<void>;
  /** Add to a worker time (performance.now() there) to get the main thread's performance.now(). */
  private offsetMs = 0;
  private tid: number | null = null;
  /** The scheduling the thread got (known once ready). */
  priority: PriorityOutcome;
  private readonly sessions = new Map<number, SessionPort>();
  private readonly binds = new Map<number, PendingBind>();
  private nextSid = 1;
  private failed_: Error | null = null;
  private stopping = false;
  private readonly worker: Worker;
  /** Called when the thread has exited (asked or not), so the pool forgets it. */
  onExit: (() => void) | null = null;

  constructor(priority: MediaThreadPriority) {
    this.priority = { asked: priority, got: "normal", error: "not started yet" };
    this.plane = new SharedFigures(PLANE_COUNTERS, PLANE_HISTOGRAMS);
    this.worker = spawnWorker(import.meta.url, "./entry", {
      workerData: { plane: this.plane.buffer, priority },
      name: "parley-media",
    });
    this.worker.unref();
    this.ready = new Promise<void>((resolve, reject) => {
      const onMessage = (m: FromMedia) => {
        if (m.t !== "ready") return;
        this.offsetMs = m.timeOrigin - performance.timeOrigin;
        this.tid = m.tid;
        this.priority = m.priority;
        this.worker.off("message", onMessage);
        resolve();
      };
      this.worker.on("message", onMessage);
      this.worker.once("exit", () =>
        reject(this.failed_ ?? new RtpError("rtp_media_worker_exited", "the media worker exited while starting")),
      );
    });
    this.ready.catch(() => undefined); // the opener that awaits it sees the error
    this.worker.on("message", (m: FromMedia) => this.onMessage(m));
    this.worker.on("error", (err) =>
      this.die(
        new RtpError("rtp_media_worker_crashed", `the media worker thread failed: ${err.message}`, { cause: err }),
      ),
    );
    this.worker.on("exit", (code) => {
      this.die(new RtpError("rtp_media_worker_crashed", `the media worker thread exited (code ${code})`));
      this.onExit?.();
    });
  }

  /** Sessions bound in this thread (open or closing). */
  get load(): number {
    return this.sessions.size + this.binds.size;
  }

  get failed(): boolean {
    return this.failed_ !== null;
  }

  /** Takes new sessions: not dead, and not being stopped. */
  get available(): boolean {
    return this.failed_ === null && !this.stopping;
  }

  /** Why the thread is gone, once it is. */
  get failure(): Error | null {
    return this.failed_;
  }

  /** The thread's Linux id, null elsewhere (or before it is ready). */
  get threadId(): number | null {
    return this.tid;
  }

  /**
   * CPU time the thread has used, and time it spent runnable but waiting for
   * a CPU (the OS holding media up), in ms; null where the OS does not say.
   */
  cpu(): { cpuMs: number; waitMs: number } | null {
    if (this.tid === null) return null;
    try {
      const [run, wait] = readFileSync(`/proc/self/task/${this.tid}/schedstat`, "utf8").split(" ").map(Number);
      return { cpuMs: run! / 1e6, waitMs: wait! / 1e6 };
    } catch {
      return null; // the thread has exited
    }
  }

  /** A worker time on the main thread's performance.now() timeline. */
  toMainTime(workerMs: number): number {
    return workerMs + this.offsetMs;
  }

  newSessionId(): number {
    return this.nextSid++;
  }

  /** Binds a UDP socket in the thread; rejects with the bind error (its `code`, e.g. EADDRINUSE, kept). */
  bind(req: Omit<BindRequest, "t">, port: SessionPort): Promise<number> {
    if (this.failed_) return Promise.reject(this.failed_);
    return new Promise<number>((resolve, reject) => {
      this.binds.set(req.sid, {
        resolve: (p) => {
          this.sessions.set(req.sid, port);
          this.refresh();
          resolve(p);
        },
        reject,
      });
      this.refresh();
      this.post({ t: "bind", ...req });
    });
  }

  post(m: ToMedia, transfer?: TransferListItem[]): void {
    if (this.failed_) return;
    this.worker.postMessage(m, transfer);
  }

  /** Ends an idle thread (the pool does it when the last session has closed a while). */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.worker.terminate();
  }

  /** Ends the thread as a crash would, failing its sessions (tests of that path, a watchdog). */
  async kill(): Promise<void> {
    await this.worker.terminate();
  }

  private onMessage(m: FromMedia): void {
    switch (m.t) {
      case "tick": {
        const { frames, frameIndex, progress } = m;
        if (frames && frameIndex) {
          let at = 0;
          for (let i = 0; i < frameIndex.length; i += 2) {
            const count = frameIndex[i + 1]!;
            this.sessions.get(frameIndex[i]!)?.deliverFrames(frames, at, count);
            at += count * 160;
          }
        }
        if (progress)
          for (let i = 0; i < progress.length; i += 3)
            this.sessions.get(progress[i]!)?.deliverProgress(progress[i + 1]!, progress[i + 2]!);
        for (const u of m.updates) this.sessions.get(u.sid)?.deliver(u);
        break;
      }
      case "bound":
      case "bind-failed": {
        const b = this.binds.get(m.sid);
        this.binds.delete(m.sid);
        if (m.t === "bound") b?.resolve(m.port);
        else b?.reject(Object.assign(new Error(m.message), m.code ? { code: m.code } : {}));
        this.refresh();
        break;
      }
      case "closed": {
        const s = this.sessions.get(m.sid);
        this.sessions.delete(m.sid);
        this.refresh();
        s?.closedByWorker(m.update);
        break;
      }
      case "ready":
        break;
    }
  }

  /** Holds the process open while sessions live here, not after. */
  private refresh(): void {
    if (this.load > 0) this.worker.ref();
    else this.worker.unref();
  }

  private die(err: Error): void {
    if (this.failed_) return;
    const failure = this.stopping
      ? new RtpError("rtp_media_worker_stopped", "the media worker was stopped", { status: 503 })
      : err;
    this.failed_ = failure;
    for (const b of this.binds.values()) b.reject(failure);
    this.binds.clear();
    const sessions = [...this.sessions.values()];
    this.sessions.clear();
    for (const s of sessions) s.fail(failure);
  }
}
