/**
 * The inside of a media worker: its sessions, the one clock that drives them
 * all, and the flush of their news to the main thread.
 *
 * One pacer per worker: every tick, each running session sends its packet
 * (in a fixed order, so each one's spacing stays even), then, in the check
 * phase after libuv has read every datagram already waiting, each drains
 * the caller frames that are due, and one message carries all their news.
 * Nothing else runs on this thread, so only the OS can delay a tick; when it
 * does, the pacer skips the slots that passed (see Pacer) and no session
 * falls behind real time.
 *
 * Independent of worker_threads (messages go through `post`), so it can run
 * in the main thread's tests too.
 */
import type { TransferListItem } from "node:worker_threads";
import { Pacer, type PacerClient } from "../pacer.js";
import { SharedFigures } from "../shared-figures.js";
import type { TimerSource } from "../timer-source.js";
import { bindUdp } from "../udp.js";
import { MediaSession } from "./media-session.js";
import { PcmBatch } from "./pcm-batch.js";
import {
  type BindRequest,
  type FromMedia,
  PLANE_COUNTERS,
  PLANE_HISTOGRAMS,
  type SessionUpdate,
  type ToMedia,
} from "./protocol.js";

/** A tick later than this means the thread itself was held up (see JitterBuffer.localStall). */
const LOCAL_STALL_MS = 5;

export type PlaneFigures = SharedFigures<(typeof PLANE_COUNTERS)[number], (typeof PLANE_HISTOGRAMS)[number]>;

export class MediaHost implements PacerClient {
  private readonly sessions = new Map<number, MediaSession>();
  private running: MediaSession[] = [];
  private readonly pacer: Pacer;
  private lastTickAt = -1;
  private flushQueued = false;
  private readonly frames = new PcmBatch();

  constructor(
    private readonly post: (m: FromMedia, transfer?: TransferListItem[]) => void,
    private readonly timers: TimerSource,
    private readonly plane: PlaneFigures,
  ) {
    this.pacer = new Pacer(this, { timers });
  }

  handle(m: ToMedia): void {
    if (m.t === "bind") {
      void this.bind(m);
      return;
    }
    const s = this.sessions.get(m.sid);
    if (s === undefined) return; // closed meanwhile: late messages are dropped
    switch (m.t) {
      case "apply":
        s.apply(m.media);
        if (m.start && !s.running) {
          s.running = true;
          this.running.push(s);
          if (!this.pacer.isRunning) this.pacer.start();
        }
        break;
      case "enqueue":
        s.playout.open(m.id);
        if (m.pcm) s.playout.push(m.id, m.pcm);
        if (m.end) s.playout.end(m.id, false);
        break;
      case "push":
        s.playout.push(m.id, m.pcm);
        break;
      case "end":
        s.playout.end(m.id, m.failed);
        break;
      case "cancel":
        s.playout.remove(m.id, "aborted", this.timers.now());
        break;
      case "clear":
        s.playout.clear("cleared", this.timers.now());
        break;
      case "dtmf":
        s.sendDtmf(m.req, m.digits, m.durationMs, m.volume);
        break;
      case "tap":
        s.tap = m.on;
        break;
      case "reset-timing":
        s.figures.histogram("lateness").reset();
        s.figures.histogram("intervals").reset();
        break;
      case "close":
        void this.close(s);
        break;
    }
  }

  onTick(nowMs: number, dueMs: number, skipped: number): void {
    const plane = this.plane;
    const stalled = nowMs - dueMs > LOCAL_STALL_MS || skipped > 0;
    const timers = this.timers;
    for (const s of this.running) s.tick(timers.now(), dueMs, skipped, stalled);
    // How late the thread woke, against the slot it was armed for (before skipping): the OS's doing.
    plane.histogram("tickLateness").record(nowMs - (dueMs - skipped * this.pacer.frameMs));
    if (this.lastTickAt >= 0) plane.histogram("tickIntervals").record(nowMs - this.lastTickAt);
    this.lastTickAt = nowMs;
    plane.set("ticks", this.pacer.ticks);
    plane.set("stalls", this.pacer.stalls);
    plane.set("skippedSlots", this.pacer.skippedSlots);
    let lag = 0;
    for (const s of this.running) if (s.sender.lagMs > lag) lag = s.sender.lagMs;
    plane.set("lagMs", lag);
    if (lag > plane.get("maxLagMs")) plane.set("maxLagMs", lag);
    plane.publish();
    this.queueFlush();
  }

  /** Drains and flushes in the check phase: after this loop turn's poll has read the datagrams already waiting. */
  private queueFlush(): void {
    if (this.flushQueued) return;
    this.flushQueued = true;
    setImmediate(this.flush);
  }

  private readonly flush = () => {
    this.flushQueued = false;
    const now = this.timers.now();
    const updates: SessionUpdate[] = [];
    const transfer: TransferListItem[] = [];
    const frameIndex: number[] = [];
    const progress: number[] = [];
    for (const s of this.sessions.values()) {
      if (s.running) {
        const n = s.drain(now, this.frames);
        if (n > 0) frameIndex.push(s.sid, n);
      }
      s.takeProgress(progress);
      const u = s.take();
      if (u === null) continue;
      updates.push(u);
      if (u.sentPcm) transfer.push(u.sentPcm.buffer as ArrayBuffer);
    }
    // Packed: one buffer of frames and two small arrays for every session, not an object each.
    const frames = this.frames.take() ?? null;
    if (frames) transfer.push(frames.buffer as ArrayBuffer);
    if (frames === null && progress.length === 0 && updates.length === 0) return;
    this.post(
      {
        t: "tick",
        frames,
        frameIndex: frameIndex.length > 0 ? Int32Array.from(frameIndex) : null,
        progress: progress.length > 0 ? Float64Array.from(progress) : null,
        updates,
      },
      transfer,
    );
  };

  private async bind(m: BindRequest): Promise<void> {
    try {
      const socket = await bindUdp(m.host, m.port);
      const session = new MediaSession(m.sid, socket, m, this.timers);
      this.sessions.set(m.sid, session);
      this.plane.set("sessions", this.sessions.size);
      this.plane.publish();
      this.post({ t: "bound", sid: m.sid, port: socket.address().port });
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      this.post({
        t: "bind-failed",
        sid: m.sid,
        code: typeof code === "string" ? code : null,
        message: (err as Error).message,
      });
    }
  }

  private async close(s: MediaSession): Promise<void> {
    this.sessions.delete(s.sid);
    this.running = this.running.filter((r) => r !== s);
    if (this.running.length === 0) {
      this.pacer.stop();
      this.lastTickAt = -1; // the clock rests until the next session starts: that pause is no interval
    }
    this.plane.set("sessions", this.sessions.size);
    this.plane.publish();
    await s.close();
    // After the socket's close callback: the keys' outcomes (microtasks) are in too.
    const u = s.take();
    const transfer: TransferListItem[] = [];
    if (u?.sentPcm) transfer.push(u.sentPcm.buffer as ArrayBuffer);
    this.post({ t: "closed", sid: s.sid, update: u }, transfer);
  }
}
