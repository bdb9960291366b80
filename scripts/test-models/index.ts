/**
 * Generators of the deterministic test models: the `tiny` profile's models
 * (small, built in memory) and the cost-faithful load doubles of the
 * `load-small` / `load-default` profiles (large, streamed to disk). The model
 * store calls `generateTestModel` for catalog entries whose source is a
 * `generator`; tests call it into a temp dir. Same name and args, same bytes.
 *
 * @example
 *   const { files } = await generateTestModel("tone-asr-streaming", {}, dir);
 *   // files: [`${dir}/model.onnx`, `${dir}/tokens.txt`]
 */
import { mkdir, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import { ParleyError } from "../../src/lib/errors.js";
import type { GeneratedFile, StreamedFile } from "./generated-file.js";
import { buildLlmDouble, llmDoubleArgs } from "./llm-double.js";
import {
  asrBatchDoubleArgs,
  asrStreamingDoubleArgs,
  buildAsrBatchDouble,
  buildAsrStreamingDouble,
  buildTtsDouble,
  ttsDoubleArgs,
} from "./onnx-doubles.js";
import { buildVadDouble, vadDoubleArgs } from "./vad-double.js";
import { buildEmbedDouble, buildHashedEmbed, embedDoubleArgs, hashedEmbedArgs } from "./hashed-embed.js";
import { buildScriptedLlm, scriptedLlmArgs } from "./scripted-llm.js";
import { buildToneAsrBatch, toneAsrBatchArgs } from "./tone-asr-batch.js";
import { buildToneAsrStreaming, toneAsrStreamingArgs } from "./tone-asr-streaming.js";
import { buildToneTts, toneTtsArgs } from "./tone-tts.js";
import { buildTurnDouble, turnDoubleArgs } from "./turn-double.js";
import { buildTurnRule, turnRuleArgs } from "./turn-rule.js";

export type { GeneratedFile, StreamedFile } from "./generated-file.js";
export { TINY_DEFAULTS } from "./tiny-defaults.js";

/** The tiny profile's generators: `{}` means the tiny defaults. */
export const testModelNames = [
  "scripted-llm",
  "tone-asr-streaming",
  "tone-asr-batch",
  "tone-tts",
  "hashed-embed",
  "turn-rule",
] as const;
export type TestModelName = (typeof testModelNames)[number];

/** The load doubles' generators: their args name the real model's shapes (see models/catalog.json). */
export const loadDoubleNames = [
  "llm-double",
  "asr-streaming-double",
  "asr-batch-double",
  "tts-double",
  "vad-double",
  "embed-double",
  "turn-double",
] as const;
export type LoadDoubleName = (typeof loadDoubleNames)[number];

export const generatorNames = [...testModelNames, ...loadDoubleNames] as const;
export type GeneratorName = (typeof generatorNames)[number];

type Build = (args: Record<string, unknown>) => GeneratedFile[];
type Stream = (args: Record<string, unknown>) => (GeneratedFile | StreamedFile)[];

function argsError(name: string, error: z.ZodError): ParleyError {
  const issues = error.issues.map((i) => `${i.path.length > 0 ? i.path.join(".") : "args"}: ${i.message}`);
  return new ParleyError("test_model_args_invalid", `invalid args for test model ${name}: ${issues.join("; ")}`, {
    status: 400,
    cause: error,
  });
}

/** Wraps a typed builder so it first validates untyped (catalog or CLI) args with its schema. */
function validated<A, R>(
  name: string,
  schema: z.ZodType<A>,
  build: (args: A) => R,
): (args: Record<string, unknown>) => R {
  return (args) => {
    const parsed = schema.safeParse(args);
    if (!parsed.success) throw argsError(name, parsed.error);
    return build(parsed.data);
  };
}

const builders: Record<TestModelName, Build> = {
  "scripted-llm": validated("scripted-llm", scriptedLlmArgs, buildScriptedLlm),
  "tone-asr-streaming": validated("tone-asr-streaming", toneAsrStreamingArgs, buildToneAsrStreaming),
  "tone-asr-batch": validated("tone-asr-batch", toneAsrBatchArgs, buildToneAsrBatch),
  "tone-tts": validated("tone-tts", toneTtsArgs, buildToneTts),
  "hashed-embed": validated("hashed-embed", hashedEmbedArgs, buildHashedEmbed),
  "turn-rule": validated("turn-rule", turnRuleArgs, buildTurnRule),
};

const streamers: Record<LoadDoubleName, Stream> = {
  "llm-double": validated("llm-double", llmDoubleArgs, buildLlmDouble),
  "asr-streaming-double": validated("asr-streaming-double", asrStreamingDoubleArgs, buildAsrStreamingDouble),
  "asr-batch-double": validated("asr-batch-double", asrBatchDoubleArgs, buildAsrBatchDouble),
  "tts-double": validated("tts-double", ttsDoubleArgs, buildTtsDouble),
  "vad-double": validated("vad-double", vadDoubleArgs, buildVadDouble),
  "embed-double": validated("embed-double", embedDoubleArgs, buildEmbedDouble),
  "turn-double": validated("turn-double", turnDoubleArgs, buildTurnDouble),
};

export function isTestModelName(name: string): name is TestModelName {
  return (testModelNames as readonly string[]).includes(name);
}

export function isGeneratorName(name: string): name is GeneratorName {
  return (generatorNames as readonly string[]).includes(name);
}

/** Runs a generator, turning a rule set it cannot honour (clashing triggers, a script too big for the shapes...) into an args error. */
function run<R>(name: string, fn: () => R): R {
  try {
    return fn();
  } catch (err) {
    if (err instanceof ParleyError) throw err;
    throw new ParleyError(
      "test_model_args_invalid",
      `test model ${name}: ${err instanceof Error ? err.message : String(err)}`,
      { status: 400, cause: err },
    );
  }
}

function unknown(name: string): ParleyError {
  return new ParleyError(
    "test_model_unknown",
    `unknown test model ${JSON.stringify(name)}; known: ${generatorNames.join(", ")}`,
    { status: 400 },
  );
}

/** Builds a tiny test model in memory (validating args); `{}` means the tiny profile's defaults. */
export function buildTestModel(name: TestModelName, args: Record<string, unknown>): GeneratedFile[] {
  const build = builders[name];
  if (build === undefined) throw unknown(name);
  return run(name, () => build(args));
}

/**
 * Writes a test model or load double into outDir (created if missing) and
 * returns the paths written. Each file is written under a temporary name and
 * renamed, so a cache never sees a half-written model.
 */
export async function generateTestModel(
  name: GeneratorName,
  args: Record<string, unknown>,
  outDir: string,
): Promise<{ files: string[] }> {
  const produce = isTestModelName(name) ? builders[name] : (streamers as Record<string, Stream | undefined>)[name];
  if (produce === undefined) throw unknown(name);
  const files = run(name, () => produce(args));
  await mkdir(outDir, { recursive: true });
  const paths: string[] = [];
  for (const file of files) {
    const path = join(outDir, file.name);
    const partial = `${path}.partial-${process.pid}`;
    try {
      if ("write" in file) await file.write(partial);
      else await writeFile(partial, file.data);
    } catch (err) {
      await rm(partial, { force: true });
      throw err;
    }
    await rename(partial, path);
    paths.push(path);
  }
  return { files: paths };
}
