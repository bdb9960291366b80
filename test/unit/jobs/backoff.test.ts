import { describe, expect, it } from "vitest";
import { retryDelayMs } from "../../../src/jobs/backoff.js";

const policy = { baseMs: 5000, maxMs: 3_600_000, jitter: 0.5 };

describe("retryDelayMs", () => {
  it("doubles from the base up to the cap when the jitter draws 0", () => {
    const delays = [1, 2, 3, 4, 10, 11, 12, 50].map((n) => retryDelayMs(n, policy, () => 0));
    expect(delays).toEqual([5000, 10_000, 20_000, 40_000, 2_560_000, 3_600_000, 3_600_000, 3_600_000]);
  });

  it("stays within [ceiling * (1 - jitter), ceiling] for any draw", () => {
    let seed = 42;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let attempt = 1; attempt <= 20; attempt++) {
      const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** (attempt - 1));
      for (let i = 0; i < 200; i++) {
        const d = retryDelayMs(attempt, policy, random);
        expect(d).toBeGreaterThanOrEqual(Math.round(ceiling * 0.5));
        expect(d).toBeLessThanOrEqual(ceiling);
      }
    }
    expect(retryDelayMs(1, policy, () => 0.9999999)).toBe(2500);
  });

  it("has no jitter at 0 and full jitter at 1; survives absurd attempt numbers", () => {
    expect(retryDelayMs(3, { ...policy, jitter: 0 }, () => 0.7)).toBe(20_000);
    expect(retryDelayMs(3, { ...policy, jitter: 1 }, () => 0.75)).toBe(5000);
    expect(retryDelayMs(10_000, policy, () => 0)).toBe(3_600_000);
    expect(retryDelayMs(0, policy, () => 0)).toBe(5000);
  });
});
