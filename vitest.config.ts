import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // Native engines (sherpa-onnx, llama.cpp) are safest in separate processes.
    pool: "forks",
    // 2-core CI machines: keep parallelism modest so timing-sensitive media tests are not starved.
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    projects: [
      {
        // Pure functions and small components: no servers, no binaries, no shared state between files. A fresh
        // process per file spent most of their time importing modules again (on a loaded 2-core box, 40 of these
        // files took 295 s and 516 s isolated, 217 s and 150 s not); they share their workers' module cache.
        extends: true,
        test: { name: "unit", include: ["test/unit/**/*.test.ts"], isolate: false },
      },
      {
        // Real databases, engines, processes and sockets: each file in its own process.
        extends: true,
        test: {
          name: "system",
          include: ["test/integration/**/*.test.ts", "test/e2e/**/*.test.ts", "test/load/**/*.test.ts"],
          globalSetup: ["test/global-setup.ts"],
        },
      },
    ],
  },
});
