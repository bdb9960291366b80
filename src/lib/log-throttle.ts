import { Counter, type Registry } from "prom-client";

const METRIC = "parley_log_lines_suppressed_total";

export interface LogThrottleOptions {
  /** At most one line per key in this window; default 10 s. */
  intervalMs?: number;
  /** Keys remembered at once (a key may name a source address); the oldest is forgotten beyond it. */
  maxKeys?: number;
  /** Counts every suppressed line, labelled by `event`. */
  registry?: Registry;
  /** Monotonic milliseconds (tests inject a fake). */
  now?: () => number;
}

/**
 * Rate-limits a log line that a flood repeats (an INVITE refused for lack of
 * an RTP port, a source refused by the allow list): the first line of a key in
 * each window is written, the rest are counted in
 * `parley_log_lines_suppressed_total{event}` and reported as `suppressed` on
 * the next line written. `event` is the metric label (a fixed name, so the
 * label set stays small); `key` may add a source address to throttle per source.
 *
 * @example
 * const throttle = new LogThrottle({ registry });
 * const suppressed = throttle.take("rtp_ports_exhausted");
 * if (suppressed !== null) log.warn({ suppressed }, "no RTP port for the call");
 */
export class LogThrottle {
  private readonly seen = new Map<string, { at: number; suppressed: number }>();
  private readonly intervalMs: number;
  private readonly maxKeys: number;
  private readonly now: () => number;
  private readonly counter: Counter<"event"> | null;

  constructor(options: LogThrottleOptions = {}) {
    this.intervalMs = options.intervalMs ?? 10_000;
    this.maxKeys = options.maxKeys ?? 1000;
    this.now = options.now ?? (() => performance.now());
    this.counter = options.registry ? suppressedCounter(options.registry) : null;
  }

  /**
   * Decides for one line: null means "do not write it" (it was counted);
   * a number means "write it", and is how many lines of this key were
   * suppressed since the last one written.
   */
  take(event: string, key = ""): number | null {
    const id = key ? `${event}|${key}` : event;
    const now = this.now();
    const entry = this.seen.get(id);
    if (entry && now - entry.at < this.intervalMs) {
      entry.suppressed++;
      this.counter?.inc({ event });
      return null;
    }
    const suppressed = entry?.suppressed ?? 0;
    this.seen.delete(id); // re-inserted last: Map order is the eviction order
    if (this.seen.size >= this.maxKeys) {
      const oldest = this.seen.keys().next();
      if (!oldest.done) this.seen.delete(oldest.value);
    }
    this.seen.set(id, { at: now, suppressed: 0 });
    return suppressed;
  }
}

/** The registry's one counter of suppressed lines (several throttles may share a registry). */
function suppressedCounter(registry: Registry): Counter<"event"> {
  const existing = registry.getSingleMetric(METRIC);
  if (existing) return existing as Counter<"event">;
  return new Counter({
    name: METRIC,
    help: "Log lines not written because the same line repeated within its window (floods)",
    labelNames: ["event"],
    registers: [registry],
  });
}
