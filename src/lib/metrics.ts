import { Registry, collectDefaultMetrics } from "prom-client";

/**
 * One Prometheus registry per server instance (not prom-client's global one),
 * so several instances can live in one test process without clashing.
 */
export function createMetricsRegistry(options: { defaults?: boolean } = {}): Registry {
  const registry = new Registry();
  if (options.defaults ?? true) collectDefaultMetrics({ register: registry, prefix: "parley_" });
  return registry;
}

export type { Registry };
