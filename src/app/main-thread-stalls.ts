/**
 * `diagnostics.stallMainThread`: blocks the main event loop on purpose, the
 * way a slow inference callback, a large SQLite write or a long GC pause
 * would. The RTP-under-load test turns it on to show that call media, which
 * lives in its own thread, does not notice. Off unless configured.
 */
import type { DiagnosticsConfig } from "../config/sections/diagnostics.js";
import type { Logger } from "../lib/logger.js";

/** Golden-ratio steps spread the stall lengths evenly over [min, max], the same way on every run. */
const SPREAD = 0.618_033_988_75;

/** Starts the stalls; returns what stops them. */
export function startMainThreadStalls(cfg: DiagnosticsConfig["stallMainThread"], logger: Logger): () => void {
  if (cfg.everyMs === 0) return () => undefined;
  logger.warn(
    { everyMs: cfg.everyMs, minMs: cfg.minMs, maxMs: cfg.maxMs },
    "diagnostics: stalling the main thread on purpose",
  );
  let k = 0;
  let stalls = 0;
  let stalledMs = 0;
  const timer = setInterval(() => {
    const ms = cfg.minMs + ((k++ * SPREAD) % 1) * (cfg.maxMs - cfg.minMs);
    const until = performance.now() + ms;
    while (performance.now() < until) {
      // busy: nothing else on this thread runs, exactly like a synchronous decode would
    }
    stalls++;
    stalledMs += ms;
  }, cfg.everyMs);
  timer.unref();
  return () => {
    clearInterval(timer);
    logger.info({ stalls, stalledMs: Math.round(stalledMs) }, "diagnostics: main-thread stalls stopped");
  };
}
