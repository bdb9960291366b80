import { describe, expect, it } from "vitest";
import { DecayingAverage } from "../../src/lib/decaying-average.js";

describe("decaying average", () => {
  it("starts at zero, takes the first sample, then moves toward new ones", () => {
    let now = 0;
    const avg = new DecayingAverage(1000, () => now);
    expect(avg.current).toBe(0);
    avg.sample(100);
    expect(avg.current).toBe(100);
    now += 1000;
    avg.sample(300); // one half-life later: half the old value faded, then half-way to the new one
    expect(avg.current).toBeCloseTo(50 + 0.5 * (300 - 50), 6);
  });

  it("fades to zero when no samples come", () => {
    let now = 0;
    const avg = new DecayingAverage(1000, () => now);
    avg.sample(400);
    now = 1000;
    expect(avg.current).toBeCloseTo(200, 6);
    now = 10_000;
    expect(avg.current).toBeLessThan(1);
  });
});
