import { Counter, type Registry } from "prom-client";

/** Counters of the outbound side, one set per metrics registry (several Parleys may share a test process). */
export interface NotifyMetrics {
  /** Finished attempts by kind (notification, callback) and outcome. */
  attempts: Counter<"kind" | "outcome">;
}

const byRegistry = new WeakMap<Registry, NotifyMetrics>();

export function notifyMetrics(registry: Registry): NotifyMetrics {
  let m = byRegistry.get(registry);
  if (!m) {
    m = {
      attempts: new Counter({
        name: "parley_outbound_attempts_total",
        help: "Outbound attempts by kind and outcome (rejected_dnc: never dialled)",
        labelNames: ["kind", "outcome"],
        registers: [registry],
      }),
    };
    byRegistry.set(registry, m);
  }
  return m;
}
