/**
 * Generators of the deterministic test models (the `tiny` profile). The model
 * store calls `generateTestModel` for catalog entries whose source is a
 * `generator`; tests call it into a temp dir. Same name and args, same bytes.
 *
 * @example
 *   const { files } = await generateTestModel("tone-asr-streaming", {}, dir);
 *   // files: [`${dir}/model.onnx`, `${dir}/tokens.txt`]
 */
import { mkdir, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import { ParleyError } from "../../src/lib/errors.js";
import type { GeneratedFile } from "./generated-file.js";
import { buildScriptedLlm, scriptedLlmArgs } from "./scripted-llm.js";
import { buildToneAsrBatch, toneAsrBatchArgs } from "./tone-asr-batch.js";
import { buildToneAsrStreaming, toneAsrStreamingArgs } from "./tone-asr-streaming.js";
import { buildToneTts, toneTtsArgs } from "./tone-tts.js";

export type { GeneratedFile } from "./generated-file.js";
export { TINY_DEFAULTS } from "./tiny-defaults.js";

export const testModelNames = ["scripted-llm", "tone-asr-streaming", "tone-asr-batch", "tone-tts"] as const;
export type TestModelName = (typeof testModelNames)[number];

type Build = (args: Record<string, unknown>) => GeneratedFile[];

/** Wraps a typed builder so it first validates untyped (catalog or CLI) args with its schema. */
function validated<A>(name: TestModelName, schema: z.ZodType<A>, build: (args: A) => GeneratedFile[]): Build {
  return (args) => {
    const parsed = schema.safeParse(args);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => `${i.path.length > 0 ? i.path.join(".") : "args"}: ${i.message}`);
      throw new ParleyError("test_model_args_invalid", `invalid args for test model ${name}: ${issues.join("; ")}`, {
        status: 400,
        cause: parsed.error,
      });
    }
    return build(parsed.data);
  };
}

const builders: Record<TestModelName, Build> = {
  "scripted-llm": validated("scripted-llm", scriptedLlmArgs, buildScriptedLlm),
  "tone-asr-streaming": validated("tone-asr-streaming", toneAsrStreamingArgs, buildToneAsrStreaming),
  "tone-asr-batch": validated("tone-asr-batch", toneAsrBatchArgs, buildToneAsrBatch),
  "tone-tts": validated("tone-tts", toneTtsArgs, buildToneTts),
};

export function isTestModelName(name: string): name is TestModelName {
  return (testModelNames as readonly string[]).includes(name);
}

/** Builds a test model in memory (validating args); `{}` means the tiny profile's defaults. */
export function buildTestModel(name: TestModelName, args: Record<string, unknown>): GeneratedFile[] {
  const build = builders[name];
  if (build === undefined) throw new ParleyError("test_model_unknown", `unknown test model ${JSON.stringify(name)}; known: ${testModelNames.join(", ")}`, { status: 400 });
  try {
    return build(args);
  } catch (err) {
    if (err instanceof ParleyError) throw err;
    // A rule set the generator cannot honour (clashing triggers, a trigger that is not one token...).
    throw new ParleyError("test_model_args_invalid", `test model ${name}: ${err instanceof Error ? err.message : String(err)}`, { status: 400, cause: err });
  }
}

/**
 * Writes a test model into outDir (created if missing) and returns the paths
 * written (outDir joined with model.gguf, or model.onnx and tokens.txt). Each
 * file is written under a temporary name and renamed, so a cache never sees a
 * half-written model.
 */
export async function generateTestModel(name: TestModelName, args: Record<string, unknown>, outDir: string): Promise<{ files: string[] }> {
  const files = buildTestModel(name, args);
  await mkdir(outDir, { recursive: true });
  const paths: string[] = [];
  for (const file of files) {
    const path = join(outDir, file.name);
    const partial = `${path}.partial-${process.pid}`;
    await writeFile(partial, file.data);
    await rename(partial, path);
    paths.push(path);
  }
  return { files: paths };
}
