/**
 * The 20 ms heartbeat of a call: one tick per packet, on a monotonic clock.
 *
 * Ticks are scheduled against an absolute timeline (t0 + n * frameMs), never
 * as "20 ms after the last one", so timer slop does not accumulate into
 * drift. A tick that runs a little late is followed by the next one at its
 * timeline slot, but never sooner than `minGapMs` after it, so a late tick
 * does not turn into two packets back to back. A tick later than
 * `reanchorAfterMs` (a frame, by default: the event loop was blocked) starts
 * a new timeline at "now" instead of sending the missed packets in a burst;
 * the receiver's jitter buffer absorbs the shift, which is what it is for.
 * Every tick's lateness and interval go into fixed histograms.
 *
 * One timer per session drives both directions: the send path sends one
 * packet per tick and the receive path pulls the frames that are due.
 */
import { MsHistogram } from "./histogram.js";
import { type TimerSource, realTimers } from "./timer-source.js";

/** What the pacer drives. */
export interface PacerClient {
  /**
   * Runs once per tick; `nowMs` is the tick's time on the pacer's clock and
   * `latenessMs` how late it ran against its slot. Must not throw (errors are
   * counted and swallowed).
   */
  onTick(nowMs: number, latenessMs: number): void;
}

export interface PacerOptions {
  timers?: TimerSource;
  /** Packet interval; 20 ms unless told. */
  frameMs?: number;
  /** Smallest interval between two ticks; a quarter frame (5 ms) unless told. */
  minGapMs?: number;
  /** Lateness after which the timeline restarts at "now"; one frame unless told. */
  reanchorAfterMs?: number;
}

/** A timer fired this much early (libuv's cached loop time) is run anyway rather than re-armed. */
const EARLY_TOLERANCE_MS = 0.5;

export class Pacer {
  readonly frameMs: number;
  private readonly timers: TimerSource;
  private readonly minGapMs: number;
  private readonly reanchorAfterMs: number;
  private readonly run = () => this.tick();
  private handle: unknown = null;
  private running = false;
  private t0 = 0;
  private n = 0;
  private lastTickAt = -Infinity;
  ticks = 0;
  reanchors = 0;
  clientErrors = 0;
  lastClientError: unknown = null;
  /** How late each tick ran against its timeline slot. */
  readonly lateness = new MsHistogram();
  /** Time between consecutive ticks. */
  readonly intervals = new MsHistogram();

  constructor(private readonly client: PacerClient, options: PacerOptions = {}) {
    this.timers = options.timers ?? realTimers;
    this.frameMs = options.frameMs ?? 20;
    this.minGapMs = options.minGapMs ?? this.frameMs / 4;
    this.reanchorAfterMs = options.reanchorAfterMs ?? this.frameMs;
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
    const due = this.t0 + this.n * this.frameMs;
    const wake = Math.max(due, this.lastTickAt + this.minGapMs);
    if (wake - now > EARLY_TOLERANCE_MS) {
      this.handle = timers.setTimeout(this.run, wake - now);
      return;
    }
    const late = now - due;
    this.lateness.record(late);
    if (late > this.reanchorAfterMs) {
      this.reanchors++;
      this.t0 = now;
      this.n = 0;
    }
    if (this.lastTickAt !== -Infinity) this.intervals.record(now - this.lastTickAt);
    this.lastTickAt = now;
    this.ticks++;
    try {
      this.client.onTick(now, late);
    } catch (err) {
      // One bad tick must not stop the call's media: count it and keep the heartbeat.
      this.clientErrors++;
      this.lastClientError = err;
    }
    if (!this.running) return;
    this.n++;
    const next = Math.max(this.t0 + this.n * this.frameMs, now + this.minGapMs);
    this.handle = timers.setTimeout(this.run, Math.max(0, next - timers.now()));
  }
}
