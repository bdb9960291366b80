import type { TimerSource } from "../../../src/rtp/timer-source.js";

interface Pending {
  id: number;
  at: number;
  callback: () => void;
}

/**
 * A TimerSource on a virtual clock: time moves only through `advance` and
 * `stall`, timers fire in order at exactly their time, so pacer and session
 * schedules are deterministic.
 */
export class VirtualTimers implements TimerSource {
  private t: number;
  private seq = 0;
  private pending: Pending[] = [];

  constructor(startMs = 1000) {
    this.t = startMs;
  }

  now(): number {
    return this.t;
  }

  setTimeout(callback: () => void, ms: number): unknown {
    const id = ++this.seq;
    this.pending.push({ id, at: this.t + Math.max(0, ms), callback });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.pending = this.pending.filter((p) => p.id !== handle);
  }

  /** Runs every timer due up to now + ms, each at its own time. */
  advance(ms: number): void {
    const end = this.t + ms;
    for (;;) {
      const next = this.earliest();
      if (next === undefined || next.at > end) break;
      this.pending = this.pending.filter((p) => p !== next);
      this.t = Math.max(this.t, next.at);
      next.callback();
    }
    this.t = end;
  }

  /** The event loop was blocked for `ms`: time jumps, then the overdue timers fire (late). */
  stall(ms: number): void {
    this.t += ms;
    this.advance(0);
  }

  get timers(): number {
    return this.pending.length;
  }

  private earliest(): Pending | undefined {
    let best: Pending | undefined;
    for (const p of this.pending)
      if (best === undefined || p.at < best.at || (p.at === best.at && p.id < best.id)) best = p;
    return best;
  }
}
