import { describe, expect, it } from "vitest";
import { LogThrottle } from "../../src/lib/log-throttle.js";
import { createMetricsRegistry } from "../../src/lib/metrics.js";

describe("LogThrottle", () => {
  it("writes the first line of a key per window, counts the rest, and reports them on the next line written", async () => {
    let now = 0;
    const registry = createMetricsRegistry({ defaults: false });
    const throttle = new LogThrottle({ intervalMs: 1000, registry, now: () => now });
    const written: (number | null)[] = [];
    for (let i = 0; i < 5; i++) written.push(throttle.take("rtp_port_unavailable"));
    expect(written).toEqual([0, null, null, null, null]);
    now = 1000;
    expect(throttle.take("rtp_port_unavailable")).toBe(4);
    expect(throttle.take("rtp_port_unavailable")).toBeNull();
    const metric = (await registry.getSingleMetricAsString("parley_log_lines_suppressed_total")).split("\n");
    expect(metric).toContain('parley_log_lines_suppressed_total{event="rtp_port_unavailable"} 5');
  });

  it("throttles per key within one event, and a second throttle on the registry shares its counter", async () => {
    const registry = createMetricsRegistry({ defaults: false });
    const a = new LogThrottle({ registry, now: () => 0 });
    const b = new LogThrottle({ registry, now: () => 0 });
    expect(a.take("sip_request_refused", "10.0.0.1")).toBe(0);
    expect(a.take("sip_request_refused", "10.0.0.2")).toBe(0);
    expect(a.take("sip_request_refused", "10.0.0.1")).toBeNull();
    expect(b.take("sip_request_refused", "10.0.0.1")).toBe(0);
    expect(b.take("sip_request_refused", "10.0.0.1")).toBeNull();
    expect(await registry.getSingleMetricAsString("parley_log_lines_suppressed_total")).toContain(
      '{event="sip_request_refused"} 2',
    );
  });

  it("forgets the oldest keys beyond maxKeys, so spoofed sources cannot grow it", () => {
    const throttle = new LogThrottle({ maxKeys: 3, now: () => 0 });
    for (const k of ["a", "b", "c", "d"]) expect(throttle.take("e", k)).toBe(0);
    expect(throttle.take("e", "a")).toBe(0); // "a" was evicted: written again
    expect(throttle.take("e", "d")).toBeNull();
  });
});
