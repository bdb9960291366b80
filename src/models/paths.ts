import { existsSync, readFileSync } from "node:fs";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { ParleyConfig } from "../config/index.js";
import { ModelError } from "../lib/errors.js";

/**
 * Where things live. The package root is found by walking up from this file
 * rather than by a fixed `../..`, because the same code runs from `src/models`
 * (tsx, vitest) and from `dist/src/models` (the built CLI).
 */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, "package.json")) && existsSync(join(dir, "models", "catalog.json"))) return dir;
    const up = dirname(dir);
    if (up === dir) throw new ModelError("catalog_missing", "cannot find models/catalog.json above the Parley installation; the package is incomplete");
    dir = up;
  }
}

/** The catalog shipped with Parley. */
export function builtinCatalogPath(): string {
  return join(packageRoot(), "models", "catalog.json");
}

/** The model store of a configuration: `models.dir`, or `<dataDir>/models`. */
export function modelsDirOf(config: ParleyConfig): string {
  return config.models.dir ?? join(config.dataDir, "models");
}

/** `models.extraCatalogs` entries resolved against the directory the config was read from. */
export function extraCatalogPaths(config: ParleyConfig, cwd: string): string[] {
  return config.models.extraCatalogs.map((p) => (isAbsolute(p) ? p : resolve(cwd, p)));
}

/**
 * Layout inside the models folder. Model ids start with a letter or digit, so
 * these dot-folders can never collide with an installed model.
 */
export const storeLayout = {
  /** Half-downloaded files, kept so the next pull resumes with an HTTP Range request. */
  partial: ".partial",
  /** Staging folders; a model is renamed from here into place only once it verified. */
  tmp: ".tmp",
  /** Catalog entries brought in by bundles, so an older site still knows those models. */
  importedCatalog: join(".catalog", "imported.json"),
  manifest: "manifest.json",
} as const;

/** Parley's version, from its package.json. */
export function packageVersion(): string {
  return (JSON.parse(readFileSync(join(packageRoot(), "package.json"), "utf8")) as { version: string }).version;
}
