/**
 * The turn models in Smart Turn's slot: tiny-turn's rule gives the documented
 * probability, and the load double (the real network's compute through a
 * run-time zero) gives exactly the same output, on onnxruntime-node.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { InferenceSession, Tensor } from "onnxruntime-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateTestModel } from "../../../scripts/test-models/index.js";

interface Ort {
  InferenceSession: { create(path: string, o?: InferenceSession.SessionOptions): Promise<InferenceSession> };
  Tensor: new (type: "float32", data: Float32Array, dims: readonly number[]) => Tensor;
}
const ort = createRequire(import.meta.url)("onnxruntime-node") as Ort;

let root: string;
let tiny: InferenceSession;
let load: InferenceSession;
beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), "parley-turn-models-"));
  const options = { intraOpNumThreads: 1, graphOptimizationLevel: "all" } as const;
  tiny = await ort.InferenceSession.create(
    (await generateTestModel("turn-rule", {}, join(root, "tiny"))).files[0]!,
    options,
  );
  load = await ort.InferenceSession.create(
    (await generateTestModel("turn-double", { standIn: "smart-turn-v3.2-cpu" }, join(root, "load"))).files[0]!,
    options,
  );
}, 120_000);
afterAll(async () => {
  await Promise.allSettled([tiny?.release(), load?.release()]);
  rmSync(root, { recursive: true, force: true });
});

/** Features of `voiced` loud frames (the rest at the floor), as Whisper's extractor lays them out: [80][800]. */
function features(voiced: number, start = 100): Float32Array {
  const f = new Float32Array(80 * 800).fill(-0.9);
  for (let m = 0; m < 80; m++)
    for (let t = start; t < start + voiced; t++) f[m * 800 + t] = 0.6 + 0.3 * Math.sin(m + t);
  return f;
}

async function probabilities(session: InferenceSession, batch: Float32Array[]): Promise<Float32Array> {
  const data = new Float32Array(batch.length * 80 * 800);
  batch.forEach((f, i) => data.set(f, i * 80 * 800));
  const out = await session.run({ input_features: new ort.Tensor("float32", data, [batch.length, 80, 800]) });
  expect(out.logits!.dims).toEqual([batch.length, 1]);
  return out.logits!.data as Float32Array;
}

describe("turn models in Smart Turn's slot", () => {
  it("share Smart Turn's contract: input_features [batch, 80, 800] in, logits [batch, 1] out", () => {
    for (const s of [tiny, load]) {
      expect(s.inputNames).toEqual(["input_features"]);
      expect(s.outputNames).toEqual(["logits"]);
      expect(s.inputMetadata[0]).toMatchObject({ isTensor: true, type: "float32", shape: ["batch", 80, 800] });
    }
  });

  it("tiny-turn: P(complete) = sigmoid((voiced frames - 150) / 10), none in silence", async () => {
    const p = await probabilities(tiny, [
      features(150),
      features(200),
      features(100),
      new Float32Array(80 * 800).fill(-1.5),
    ]);
    expect(p[0]).toBeCloseTo(0.5, 5);
    expect(p[1]).toBeCloseTo(1 / (1 + Math.exp(-5)), 5);
    expect(p[2]).toBeCloseTo(1 / (1 + Math.exp(5)), 5);
    expect(p[3]).toBeLessThan(1e-6);
  });

  it("takes its threshold from its args", async () => {
    const session = await ort.InferenceSession.create(
      (await generateTestModel("turn-rule", { minVoicedMs: 500 }, join(root, "short"))).files[0]!,
    );
    expect((await probabilities(session, [features(50)]))[0]).toBeCloseTo(0.5, 5);
    await session.release();
  });

  it("the load double answers exactly as tiny-turn, batch and all", async () => {
    const batch = [features(150), features(260, 0), features(90, 500), new Float32Array(80 * 800).fill(-1.5)];
    const expected = await probabilities(tiny, batch);
    const got = await probabilities(load, batch);
    expect(Buffer.from(got.buffer).equals(Buffer.from(expected.buffer))).toBe(true);
  }, 60_000);
});
