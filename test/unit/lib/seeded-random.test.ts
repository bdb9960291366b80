import { describe, expect, it } from "vitest";
import { fuzzSeed, seededRandom } from "../../helpers/seeded-random.js";

/** The fuzz tests' random source: one seed, one sequence, so a failure can be reproduced. */
describe("seeded random source", () => {
  it("gives the same sequence for the same seed and another for another seed", () => {
    const draw = (seed: number) => {
      const r = seededRandom(seed);
      return [r.next(), r.int(1000), ...r.bytes(8)];
    };
    expect(draw(42)).toEqual(draw(42));
    expect(draw(42)).not.toEqual(draw(43));
  });

  it("stays in range and spreads over it", () => {
    const r = seededRandom(7);
    const seen = new Set<number>();
    for (let i = 0; i < 10_000; i++) {
      const x = r.next();
      expect(x >= 0 && x < 1).toBe(true);
      seen.add(r.int(16));
    }
    expect([...seen].sort((a, b) => a - b)).toEqual([...Array(16).keys()]);
  });

  it("reads the seed from PARLEY_FUZZ_SEED, with a fixed default, and refuses a bad one clearly", () => {
    expect(fuzzSeed({})).toBe(fuzzSeed({ PARLEY_FUZZ_SEED: "" }));
    expect(fuzzSeed({ PARLEY_FUZZ_SEED: "12345" })).toBe(12345);
    expect(fuzzSeed({ PARLEY_FUZZ_SEED: "random" })).toBeLessThan(2 ** 32);
    expect(() => fuzzSeed({ PARLEY_FUZZ_SEED: "abc" })).toThrow(
      /PARLEY_FUZZ_SEED must be an integer from 0 to 4294967295, or "random"; got "abc"/,
    );
    expect(() => fuzzSeed({ PARLEY_FUZZ_SEED: String(2 ** 32) })).toThrow(/PARLEY_FUZZ_SEED/);
  });
});
