/**
 * Call admission from measured load. Besides the fixed `calls.maxCalls`, a
 * new call is refused while the box can no longer keep the agents' latency:
 * each live engine measures how long live work waits on it because of other
 * work (its queueing delay, see the engines' `liveQueueDelayMs`), and their
 * sum is the silence a caller would hear added before every answer. Above
 * `calls.admission.maxQueueDelayMs` the next INVITE gets 503 with Retry-After,
 * and OPTIONS 503 too, so a balancer in front sends calls to another node.
 *
 * The figures fade when engines go quiet, so a burst long past never keeps
 * refusing calls; /metrics shows them (parley_engine_queue_delay_seconds).
 */
import { Counter, Gauge, type Registry } from "prom-client";
import type { CallsConfig } from "../config/sections/calls.js";
import type { EngineSet, LiveQueue } from "../engines/types.js";

export type LiveEngines = Pick<EngineSet, "vad" | "asrStreaming" | "llm" | "tts">;
const ROLES = ["vad", "asrStreaming", "llm", "tts"] as const;

export interface AdmissionVerdict {
  admit: boolean;
  /** Summed live queueing delay (ms) at the decision. */
  queueDelayMs: number;
  retryAfterS: number;
}

export class Admission {
  private readonly refused: Counter<"reason">;

  constructor(
    private readonly config: CallsConfig["admission"],
    private readonly engines: () => LiveEngines | null,
    registry: Registry,
  ) {
    const read = (role: (typeof ROLES)[number]) => this.engines()?.[role] as LiveQueue | undefined;
    new Gauge({
      name: "parley_engine_queue_delay_seconds",
      help: "How long live work currently waits on each engine because of other work (moving average, fades when idle)",
      labelNames: ["role"],
      registers: [registry],
      collect() {
        for (const role of ROLES) {
          const e = read(role);
          if (e) this.set({ role }, e.liveQueueDelayMs / 1000);
        }
      },
    });
    const total = () => this.queueDelayMs();
    new Gauge({
      name: "parley_calls_queue_delay_seconds",
      help: "The live engines' queueing delays summed: what call admission compares with calls.admission.maxQueueDelayMs",
      registers: [registry],
      collect() {
        this.set(total() / 1000);
      },
    });
    this.refused = new Counter({
      name: "parley_calls_admission_refused_total",
      help: "New calls refused by admission from measured load",
      labelNames: ["reason"],
      registers: [registry],
    });
  }

  /** Summed live queueing delay of the engines now (ms); 0 while engines load. */
  queueDelayMs(): number {
    const e = this.engines();
    if (!e) return 0;
    return ROLES.reduce((sum, role) => sum + (e[role] as LiveQueue).liveQueueDelayMs, 0);
  }

  /** Whether one more call can keep the agents' latency. Counts refusals when `count` is set (INVITEs, not OPTIONS). */
  check(count = false): AdmissionVerdict {
    const queueDelayMs = this.queueDelayMs();
    const limit = this.config.maxQueueDelayMs;
    const admit = limit === 0 || queueDelayMs <= limit;
    if (!admit && count) this.refused.inc({ reason: "queue_delay" });
    return { admit, queueDelayMs, retryAfterS: this.config.retryAfterS };
  }
}
