import { PassThrough } from "node:stream";
import { afterAll, describe, expect, it } from "vitest";
import { benchBesideBatch } from "../../../src/bench/llm-beside-batch.js";
import { main } from "../../../src/cli/main.js";
import { createEngine } from "../../../src/engines/factory.js";
import type { LlmEngine } from "../../../src/engines/types.js";
import { generatedModel, testConfig } from "../../helpers/models.js";

/**
 * `parley bench llm --beside-batch`: the mechanism on the tiny LLM (what the
 * figures are worth is for the load profiles): every setting gets its live
 * replies beside a summary, each setting on its own engine, and the call it
 * connects is gone when the round ends.
 */
describe("bench llm --beside-batch (tiny LLM)", () => {
  const loaded: LlmEngine[] = [];
  afterAll(async () => {
    for (const llm of loaded) await llm.dispose().catch(() => undefined);
  });

  it("measures each batch step size's live first tokens and summary time, held and not, and leaves nothing behind", async () => {
    const model = await generatedModel("tiny-llm");
    const caps: number[] = [];
    const figures = await benchBesideBatch({
      caps: [4, 32],
      rounds: 2,
      load: async (cap) => {
        caps.push(cap);
        const llm = await createEngine("llm", model, testConfig({ engines: { llm: { batchBesideCallsTokens: cap } } }));
        loaded.push(llm);
        return llm;
      },
      log: () => undefined,
    });
    expect(caps).toEqual([4, 32]);
    expect(figures.map((f) => [f.cap, f.held])).toEqual([
      [4, false],
      [4, true],
      [32, false],
      [32, true],
    ]);
    for (const f of figures) {
      expect(f.replies).toBe(8); // 4 caller turns a round, 2 rounds
      expect(f.firstTokenMs.p50).toBeGreaterThan(0);
      expect(f.firstTokenMs.max).toBeGreaterThanOrEqual(f.firstTokenMs.p95);
      expect(f.firstTokenMs.p95).toBeGreaterThanOrEqual(f.firstTokenMs.p50);
      expect(f.batchMsP50).toBeGreaterThan(0);
    }
    type Snapshot = { liveCalls: number; batchHeld: boolean; batchHoldsTaken: number };
    for (const llm of loaded) {
      const s = (llm as unknown as { loadSnapshot(): Snapshot }).loadSnapshot();
      expect(s.liveCalls).toBe(0);
      // The held rounds took a hold at each of their 8 pauses, and released every one.
      expect(s.batchHoldsTaken).toBe(8);
      expect(s.batchHeld).toBe(false);
    }
  });

  it("refuses a step size out of range before loading anything", async () => {
    let err = "";
    const stderr = new PassThrough();
    stderr.on("data", (d: Buffer) => (err += d.toString()));
    const ctx = {
      stdout: new PassThrough(),
      stderr,
      env: {},
      cwd: process.cwd(),
      signal: new AbortController().signal,
    };
    expect(await main(["bench", "llm", "--beside-batch", "2", "--caps", "16,0"], ctx)).toBe(2);
    expect(err).toContain("--caps: expected whole numbers 1..4096, got '16,0'");
  });
});
