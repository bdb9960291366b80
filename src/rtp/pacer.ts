/**
 * The 20 ms heartbeat of the media plane: one tick per packet slot, on a
 * monotonic clock, and never far behind it.
 *
 * Slots sit on one absolute timeline (t0 + n * frameMs) that is never moved,
 * so timer slop does not accumulate into drift and the media time a packet
 * carries is the real time it was due to leave at. A tick that runs late,
 * but less than `maxLagMs` (two frames), still serves its own slot: the
 * receiver's jitter buffer absorbs that like network jitter. The ticks after
 * it catch up at no less than `minGapMs` (half a frame) apart, so a late
 * tick never turns into packets back to back. A tick later than `maxLagMs`
 * (the thread was stalled) skips the slots whose time has passed and serves
 * the newest one: the client is told how many were skipped, advances its
 * media clock (the RTP timestamp) over them, and sends one packet, not a
 * burst. So however long the stall, the sender is never more than
 * `maxLagMs` behind real time, and it never builds up lag.
 *
 * Every tick's lateness (how late it woke) and interval go into fixed histograms; `stalls`
 * counts the ticks that had to skip, `skippedSlots` the slots skipped.
 */
import { MsHistogram } from "./histogram.js";
import { type TimerSource, realTimers } from "./timer-source.js";

/** What the pacer drives. */
export interface PacerClient {
  /**
   * Runs once per tick; `nowMs` is the tick's time on the pacer's clock,
   * `dueMs` the time of the slot it serves (now - due stays under maxLagMs),
   * `skipped` how many slots before it were skipped. Must not throw (errors
   * are counted and swallowed).
   */
  onTick(nowMs: number, dueMs: number, skipped: number): void;
}

export interface PacerOptions {
  timers?: TimerSource;
  /** Slot length; 20 ms unless told. */
  frameMs?: number;
  /** Smallest interval between two ticks (catching up after a late one); half a frame (10 ms) unless told. */
  minGapMs?: number;
  /** Lateness from which missed slots are skipped rather than served late; two frames (40 ms) unless told. */
  maxLagMs?: number;
}

/** A timer fired this much early (libuv's cached loop time) is run anyway rather than re-armed. */
const EARLY_TOLERANCE_MS = 0.5;

export class Pacer {
  readonly frameMs: number;
  private readonly timers: TimerSource;
  private readonly minGapMs: number;
  private readonly maxLagMs: number;
  private readonly run = () => this.tick();
  private handle: unknown = null;
  private running = false;
  private t0 = 0;
  private n = 0;
  private lastTickAt = -Infinity;
  ticks = 0;
  /** Ticks that came after the timeline had moved on by a frame or more (the thread was stalled). */
  stalls = 0;
  /** Slots skipped after stalls (their media time passed with no packet). */
  skippedSlots = 0;
  clientErrors = 0;
  lastClientError: unknown = null;
  /** How late each tick ran against the slot it was armed for (before any skipping): how long the thread was held up. */
  readonly lateness = new MsHistogram();
  /** Time between consecutive ticks. */
  readonly intervals = new MsHistogram();

  constructor(
    private readonly client: PacerClient,
    options: PacerOptions = {},
  ) {
    this.timers = options.timers ?? realTimers;
    this.frameMs = options.frameMs ?? 20;
    this.minGapMs = options.minGapMs ?? this.frameMs / 2;
    this.maxLagMs = Math.max(this.frameMs, options.maxLagMs ?? 2 * this.frameMs);
  }

  get isRunning(): boolean {
    return this.running;
  }

  /** Starts the timeline now; the first tick runs as soon as the event loop allows. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.t0 = this.timers.now();
    this.n = 0;
    this.lastTickAt = -Infinity;
    this.handle = this.timers.setTimeout(this.run, 0);
  }

  stop(): void {
    this.running = false;
    if (this.handle !== null) this.timers.clearTimeout(this.handle);
    this.handle = null;
  }

  /** Clears the lateness and interval figures (a benchmark's warm-up); counters keep running. */
  resetTiming(): void {
    this.lateness.reset();
    this.intervals.reset();
  }

  private tick(): void {
    this.handle = null;
    if (!this.running) return;
    const timers = this.timers;
    const now = timers.now();
    const frame = this.frameMs;
    const wake = Math.max(this.t0 + this.n * frame, this.lastTickAt + this.minGapMs);
    if (wake - now > EARLY_TOLERANCE_MS) {
      this.handle = timers.setTimeout(this.run, wake - now);
      return;
    }
    let skipped = 0;
    const late = now - (this.t0 + this.n * frame);
    this.lateness.record(late);
    if (late >= this.maxLagMs) {
      // Too late to serve: jump to the newest slot whose time has come; the ones between are skipped.
      const newest = Math.floor((now + EARLY_TOLERANCE_MS - this.t0) / frame);
      skipped = newest - this.n;
      this.stalls++;
      this.skippedSlots += skipped;
      this.n = newest;
    }
    const due = this.t0 + this.n * frame;
    if (this.lastTickAt !== -Infinity) this.intervals.record(now - this.lastTickAt);
    this.lastTickAt = now;
    this.ticks++;
    try {
      this.client.onTick(now, due, skipped);
    } catch (err) {
      // One bad tick must not stop the call's media: count it and keep the heartbeat.
      this.clientErrors++;
      this.lastClientError = err;
    }
    if (!this.running) return;
    this.n++;
    const next = Math.max(this.t0 + this.n * frame, now + this.minGapMs);
    this.handle = timers.setTimeout(this.run, Math.max(0, next - timers.now()));
  }
}
