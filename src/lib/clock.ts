/**
 * Wall-clock time behind an interface, so schedules (calling windows, run_at,
 * leases) can be tested with a fixed clock injected through config rather
 * than by mocking. Monotonic intervals use `performance.now()` directly.
 */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** A clock offset so that "now" starts at `startMs` and advances in real time. */
export function offsetClock(startMs: number): Clock {
  const offset = startMs - Date.now();
  return { now: () => Date.now() + offset };
}

/** A clock that only moves when told to (tests, simulations). */
export class ManualClock implements Clock {
  constructor(private ms: number) {}
  now(): number {
    return this.ms;
  }
  advance(ms: number): void {
    this.ms += ms;
  }
  set(ms: number): void {
    this.ms = ms;
  }
}
