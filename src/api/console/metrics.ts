import { Counter, Gauge, type Registry } from "prom-client";
import type { SqlStore } from "../../store/sql/port.js";
import { VoicemailStatsRepo } from "../../store/repos/voicemail-stats-repo.js";

/** Console sign-ins and live clients, and the voicemail backlog operators work through. */
export interface ConsoleMetrics {
  login(method: string, outcome: "ok" | "failed" | "rate_limited" | "busy" | "bad_form"): void;
  liveClients: Gauge;
}

const byRegistry = new WeakMap<Registry, ConsoleMetrics>();

/**
 * - parley_console_logins_total{method,outcome}: sign-in attempts (failed, rate_limited and busy are worth an alert);
 * - parley_console_live_clients: open live-update streams;
 * - parley_voicemails{status,urgency}: messages per status and urgency, read from the database on each scrape
 *   (with `store.url`, every node's messages: each node reports the same totals).
 * One set per registry (several apps may share a test process).
 */
export function consoleMetrics(registry: Registry, sql: SqlStore): ConsoleMetrics {
  const existing = byRegistry.get(registry);
  if (existing) return existing;
  const logins = new Counter({
    name: "parley_console_logins_total",
    help: "Console sign-in attempts by method and outcome",
    labelNames: ["method", "outcome"] as const,
    registers: [registry],
  });
  const liveClients = new Gauge({
    name: "parley_console_live_clients",
    help: "Console pages holding a live-update (SSE) stream",
    registers: [registry],
  });
  const stats = new VoicemailStatsRepo(sql);
  new Gauge({
    name: "parley_voicemails",
    help: "Voicemails per status and urgency (urgency none: not triaged); processed and escalated are the open inbox",
    labelNames: ["status", "urgency"] as const,
    registers: [registry],
    async collect() {
      this.reset();
      try {
        for (const r of await stats.counts())
          this.set({ status: r.status, urgency: r.urgency === null ? "none" : String(r.urgency) }, r.count);
      } catch {
        // The database closes before the registry in a shutdown; a late scrape reports nothing rather than failing.
      }
    },
  });
  const m: ConsoleMetrics = { login: (method, outcome) => logins.inc({ method, outcome }), liveClients };
  byRegistry.set(registry, m);
  return m;
}
