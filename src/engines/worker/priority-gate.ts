/**
 * Admits work to an engine a few at a time, live work first: a queued live
 * request goes before every queued batch request, an urgent live one (a
 * caller hears silence until it is done) before the other live ones, and
 * requests of the same rank keep their arrival order. Used where a worker's
 * model runs asynchronously (TTS renders on sherpa-onnx's own threads), so that the
 * order of work is ours to decide rather than the thread pool's.
 */
import { once } from "../../lib/once.js";
import type { WorkPriority } from "../types.js";

interface Waiter {
  /** 2: urgent live, 1: live, 0: batch. */
  rank: number;
  arrivedAt: number;
  start: (waitedMs: number) => void;
  fail: (err: unknown) => void;
  signal: AbortSignal;
  onAbort: () => void;
}

export class PriorityGate {
  private running = 0;
  private readonly queue: Waiter[] = [];

  constructor(private readonly concurrency: number) {}

  /** Resolves with the time waited once the work may start; call the returned `done` when it ends. */
  enter(priority: WorkPriority, signal: AbortSignal, urgent = false): Promise<{ waitedMs: number; done: () => void }> {
    const arrivedAt = performance.now();
    const done = once(() => {
      this.running--;
      this.next();
    });
    if (signal.aborted) return Promise.reject(signal.reason);
    if (this.running < this.concurrency && this.queue.length === 0) {
      this.running++;
      return Promise.resolve({ waitedMs: 0, done });
    }
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        rank: priority === "live" ? (urgent ? 2 : 1) : 0,
        arrivedAt,
        signal,
        start: (waitedMs) => resolve({ waitedMs, done }),
        fail: reject,
        onAbort: () => {
          const i = this.queue.indexOf(waiter);
          if (i >= 0) this.queue.splice(i, 1);
          reject(signal.reason);
        },
      };
      signal.addEventListener("abort", waiter.onAbort, { once: true });
      // Each request lines up behind those of its rank and above, ahead of every lower one.
      const at = this.queue.findIndex((w) => w.rank < waiter.rank);
      if (at < 0) this.queue.push(waiter);
      else this.queue.splice(at, 0, waiter);
    });
  }

  /** Requests waiting to start. */
  get waiting(): number {
    return this.queue.length;
  }

  private next(): void {
    while (this.running < this.concurrency && this.queue.length > 0) {
      const w = this.queue.shift()!;
      w.signal.removeEventListener("abort", w.onAbort);
      this.running++;
      w.start(performance.now() - w.arrivedAt);
    }
  }
}
