import { onTestFailed } from "vitest";

/**
 * A seeded random source for fuzz tests, so a failure found once can be
 * found again. The seed is PARLEY_FUZZ_SEED (an unsigned 32-bit integer, or
 * `random` for a fresh one each run) or a fixed default, so CI runs the same
 * cases every time. A failing test prints the seed and the command that
 * reruns it.
 */
export interface SeededRandom {
  readonly seed: number;
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [0, n). */
  int(n: number): number;
  /** `n` random bytes. */
  bytes(n: number): Buffer;
}

const DEFAULT_SEED = 0x5eed_1e55;

/** The seed of this run: PARLEY_FUZZ_SEED, a fresh one for `random`, or the default. */
export function fuzzSeed(env: NodeJS.ProcessEnv = process.env): number {
  const given = env.PARLEY_FUZZ_SEED?.trim();
  if (!given) return DEFAULT_SEED;
  if (given === "random") return (Math.random() * 2 ** 32) >>> 0;
  if (!/^\d+$/.test(given) || Number(given) >= 2 ** 32)
    throw new Error(
      `PARLEY_FUZZ_SEED must be an integer from 0 to ${2 ** 32 - 1}, or "random"; got ${JSON.stringify(given)}`,
    );
  return Number(given);
}

/**
 * mulberry32 (Tommy Ettinger's 32-bit generator): tiny, fast, and good
 * enough to pick bytes and positions; not for anything secret.
 */
export function seededRandom(seed: number): SeededRandom {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
  const int = (n: number): number => Math.floor(next() * n);
  const bytes = (n: number): Buffer => {
    const b = Buffer.alloc(n);
    for (let i = 0; i < n; i++) b[i] = int(256);
    return b;
  };
  return { seed, next, int, bytes };
}

/**
 * The random source of one fuzz test, to be called inside the test: seeded
 * from the run's seed and the test's own name, so one test reruns alike
 * alone or with the others, and if the test fails the seed is printed.
 */
export function fuzzRandom(testName: string, file: string): SeededRandom {
  const seed = fuzzSeed();
  onTestFailed(() => {
    console.error(
      `fuzz test "${testName}" failed with seed ${seed}; rerun it with: PARLEY_FUZZ_SEED=${seed} npx vitest run ${file} -t ${JSON.stringify(testName)}`,
    );
  });
  let h = seed;
  for (const ch of testName) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193) >>> 0;
  return seededRandom(h);
}
