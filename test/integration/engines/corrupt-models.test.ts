import { cpSync, readFileSync, truncateSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { scratchDir } from "../../helpers/scratch.js";
import { createEngine } from "../../../src/engines/factory.js";
import type { ModelRef } from "../../../src/engines/model-ref.js";
import { ParleyError } from "../../../src/lib/errors.js";
import { generatedModel, sileroRef, testConfig } from "../../helpers/models.js";

/**
 * A model file that is corrupt (a bad disk, an interrupted copy) must give a
 * clear error naming the model, not crash the server.
 */
function damaged(ref: ModelRef, file: string, how: "truncate" | "garbage"): ModelRef {
  const dir = scratchDir("parley-corrupt");
  cpSync(ref.dir, dir, { recursive: true });
  const path = join(dir, file);
  if (how === "truncate") truncateSync(path, Math.floor(readFileSync(path).length / 3));
  else writeFileSync(path, Buffer.from("this is not a model file at all ".repeat(64)));
  return { model: ref.model, dir };
}

const cases: { kind: Parameters<typeof createEngine>[0]; ref: () => Promise<ModelRef>; file: string }[] = [
  { kind: "llm", ref: () => generatedModel("tiny-llm"), file: "model.gguf" },
  { kind: "asr-streaming", ref: () => generatedModel("tiny-asr-streaming"), file: "model.onnx" },
  { kind: "asr-batch", ref: () => generatedModel("tiny-asr-batch"), file: "model.onnx" },
  { kind: "tts", ref: () => generatedModel("tiny-tts"), file: "model.onnx" },
  { kind: "vad", ref: async () => sileroRef(), file: "silero_vad.onnx" },
  { kind: "turn", ref: () => generatedModel("tiny-turn"), file: "model.onnx" },
];

describe("corrupt model files", () => {
  for (const c of cases) {
    for (const how of ["truncate", "garbage"] as const) {
      it(`${c.kind}: a ${how}d ${c.file} is a clear load error`, async () => {
        const ref = damaged(await c.ref(), c.file, how);
        const err = await createEngine(c.kind, ref, testConfig()).then(
          (e) => (void e.dispose(), null),
          (e: unknown) => e,
        );
        expect(err).toBeInstanceOf(ParleyError);
        expect((err as ParleyError).code).toMatch(/model_load_failed/);
      });
    }
  }

  it("turn: a model that is not in Smart Turn's slot (silero in its place) is refused at load, saying what it has", async () => {
    const silero = sileroRef();
    const ref: ModelRef = {
      model: { ...(await generatedModel("tiny-turn")).model, config: { model: "silero_vad.onnx" } },
      dir: silero.dir,
    };
    const err = await createEngine("turn", ref, testConfig()).then(
      (e) => (void e.dispose(), null),
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ParleyError);
    expect((err as ParleyError).message).toMatch(
      /not a Smart Turn model: it needs a float32 input 'input_features' \[batch, 80, 800\]; it has input float32/,
    );
  });

  it("a missing model file is named in the error", async () => {
    const ref = await generatedModel("tiny-tts");
    const gone: ModelRef = { model: ref.model, dir: scratchDir("parley-empty") };
    await expect(createEngine("tts", gone, testConfig())).rejects.toThrow(/model\.onnx/);
  });
});
