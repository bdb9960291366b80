/**
 * At most `concurrent` holders at once and at most `waiting` more in line;
 * anyone beyond that is refused at once instead of queued. For expensive work
 * that strangers can trigger (password hashing: 32 MiB and ~100 ms of a
 * libuv thread each), where an unbounded queue would hold the thread pool,
 * and with it every file and DNS operation of the process, for minutes.
 *
 * @example
 * const gate = new ConcurrencyGate(2, 8);
 * const release = await gate.enter();
 * if (!release) return c.text("busy", 429);
 * try { await hash(); } finally { release(); }
 */
export class ConcurrencyGate {
  private active = 0;
  private readonly queue: Array<() => void> = [];

  constructor(
    readonly concurrent: number,
    readonly waiting: number,
  ) {}

  /** A release function once a place is free, or null at once when the line is full. */
  enter(): Promise<(() => void) | null> {
    if (this.active < this.concurrent) {
      this.active++;
      return Promise.resolve(this.releaser());
    }
    if (this.queue.length >= this.waiting) return Promise.resolve(null);
    return new Promise((resolve) => this.queue.push(() => resolve(this.releaser())));
  }

  /** Holders plus those waiting (for metrics and tests). */
  get load(): number {
    return this.active + this.queue.length;
  }

  private releaser(): () => void {
    let done = false;
    return () => {
      if (done) return;
      done = true;
      const next = this.queue.shift();
      if (next)
        next(); // the place passes straight to the next in line
      else this.active--;
    };
  }
}
