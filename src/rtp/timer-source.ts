/**
 * The time source of the media plane: a monotonic clock and one-shot timers.
 * Injected so the pacer and sessions run on a virtual clock in unit tests
 * (deterministic, no sleeping) and on `performance.now()` in production.
 */

/** Monotonic milliseconds and one-shot timers. */
export interface TimerSource {
  /** Monotonic milliseconds (fractional); only differences are meaningful. */
  now(): number;
  /** Calls `callback` after about `ms` milliseconds; returns a handle for clearTimeout. */
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** The real clock: `performance.now()` and Node's timers (1 ms resolution). */
export const realTimers: TimerSource = {
  now: () => performance.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};
