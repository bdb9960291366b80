import os from "node:os";
import type { JobsConfig } from "../config/sections/jobs.js";
import type { ClaimOrder } from "./types.js";
import type { TaskRegistry } from "./tasks/registry.js";

export interface LaneSettings {
  name: string;
  order: ClaimOrder;
  slots: number;
  /** Kinds this lane claims (registered ones only). */
  kinds: string[];
}

export interface WorkerSettings {
  lanes: LaneSettings[];
  /** Simultaneous jobs of a kind in this process (Infinity: only the lanes bound it). */
  limits: Map<string, number>;
  /** Run time limit per kind; 0 = none. */
  timeouts: Map<string, number>;
  /** Problems worth a log line at start (a lane naming an unknown kind...). */
  warnings: string[];
}

/**
 * Turns the `jobs` config and the registered tasks into numbers: "auto" lane
 * slots become the CPUs left after the fixed lanes, inference kinds get the
 * inference cap, and each kind its timeout.
 */
export function resolveWorkerSettings(
  config: JobsConfig,
  tasks: TaskRegistry,
  cpus = os.availableParallelism(),
): WorkerSettings {
  const registered = tasks.kinds();
  const warnings: string[] = [];
  const fixed = config.lanes.reduce((n, l) => n + (l.concurrency === "auto" ? 0 : l.concurrency), 0);
  const lanes = config.lanes.map((l): LaneSettings => {
    const unknown = (l.kinds ?? []).filter((k) => !registered.includes(k));
    if (unknown.length > 0)
      warnings.push(`lane '${l.name}' names kinds no task is registered for: ${unknown.join(", ")}`);
    return {
      name: l.name,
      order: l.order,
      slots: l.concurrency === "auto" ? Math.max(1, cpus - fixed) : l.concurrency,
      kinds: l.kinds ? l.kinds.filter((k) => registered.includes(k)) : registered,
    };
  });
  const inferenceCap = config.inferenceConcurrency === "auto" ? cpus : config.inferenceConcurrency;
  const limits = new Map<string, number>();
  const timeouts = new Map<string, number>();
  for (const kind of registered) {
    const task = tasks.get(kind);
    const own = config.kinds[kind];
    limits.set(kind, own?.concurrency ?? (task?.inference ? inferenceCap : Infinity));
    timeouts.set(kind, own?.timeoutMs ?? task?.timeoutMs ?? config.timeoutMs);
    const serving = lanes.filter((l) => l.kinds.includes(kind)).reduce((n, l) => n + l.slots, 0);
    const limit = limits.get(kind) as number;
    if (limit < serving && lanes.some((l) => l.order === "newest" && l.kinds.includes(kind))) {
      warnings.push(
        `kind '${kind}' is capped at ${limit} but its lanes have ${serving} slots: when the cap is reached, the newest-first lane waits too`,
      );
    }
  }
  return { lanes, limits, timeouts, warnings };
}
