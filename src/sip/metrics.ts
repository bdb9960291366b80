import { Counter, Gauge, type Registry } from "prom-client";

/** What the SIP layer reports to /metrics, read when scraped. */
export interface SipGauges {
  unacknowledged: () => number;
  tcpConnections: () => number;
}

/** SIP metrics on `registry`: dialogs awaiting ACK, open TCP connections, and TCP connections refused at accept. */
export function sipMetrics(registry: Registry, gauges: SipGauges): { tcpRefused: (reason: string) => void } {
  // A port created again on the same registry (a restart in one process) takes the metrics over.
  for (const name of [
    "parley_sip_unacknowledged_dialogs",
    "parley_sip_tcp_connections",
    "parley_sip_tcp_refused_total",
  ])
    registry.removeSingleMetric(name);
  new Gauge({
    name: "parley_sip_unacknowledged_dialogs",
    help: "Answered inbound calls whose ACK has not arrived yet",
    registers: [registry],
    collect() {
      this.set(gauges.unacknowledged());
    },
  });
  new Gauge({
    name: "parley_sip_tcp_connections",
    help: "Open SIP-over-TCP connections, inbound and outbound",
    registers: [registry],
    collect() {
      this.set(gauges.tcpConnections());
    },
  });
  const refused = new Counter({
    name: "parley_sip_tcp_refused_total",
    help: "SIP TCP connections closed at accept, by reason (not_allowed, per_address_limit, untrusted_limit)",
    labelNames: ["reason"],
    registers: [registry],
  });
  return { tcpRefused: (reason) => refused.inc({ reason }) };
}
