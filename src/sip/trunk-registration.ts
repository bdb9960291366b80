import { Gauge, type Registry } from "prom-client";
import type { SipPort } from "./types.js";

/** The gauge the trunk registration is reported on: 1 while our binding at the trunk holds, 0 otherwise. */
export const TRUNK_REGISTERED = "parley_sip_trunk_registered";

/**
 * Reports the trunk registration (`sip.trunk.register`) on `registry` as a gauge, for /metrics and the console's
 * health panel: 1 after a 2xx that lists our binding, 0 before the first one, after a failure, and once the
 * binding has expired without a refresh.
 */
export function reportTrunkRegistration(port: SipPort, aor: string, registry: Registry): void {
  registry.removeSingleMetric(TRUNK_REGISTERED); // a port created again on the same registry takes it over
  let expiresAt = 0;
  const now = () => Date.now();
  new Gauge({
    name: TRUNK_REGISTERED,
    help: "1 while the SIP trunk registration (sip.trunk.register) holds, 0 otherwise",
    labelNames: ["aor"],
    registers: [registry],
    collect() {
      this.set({ aor }, expiresAt > now() ? 1 : 0);
    },
  });
  port.on("sip:registered", (e) => {
    if (e.aor === aor) expiresAt = now() + e.expiresS * 1000;
  });
  port.on("sip:registration-failed", (e) => {
    if (e.aor === aor) expiresAt = 0;
  });
}
