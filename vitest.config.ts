import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Native engines (sherpa-onnx, llama.cpp) are safest in separate processes.
    pool: "forks",
    // 2-core CI machines: keep parallelism modest so timing-sensitive media tests are not starved.
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    globalSetup: ["test/global-setup.ts"],
  },
});
