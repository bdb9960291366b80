import { existsSync } from "node:fs";
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { ModelError } from "../lib/errors.js";
import type { CatalogModel } from "./catalog-schema.js";
import type { ModelCatalog } from "./catalog.js";
import { describeFiles, writeManifest, type Manifest, type ManifestFile } from "./manifest.js";
import { materialize } from "./sources.js";
import type { ModelStore } from "./store.js";

/** What a pull reports while it works (the CLI turns these into progress bars). */
export type PullEvent =
  | { type: "model:skip"; id: string; reason: "installed" }
  | { type: "model:start"; id: string; sizeBytes: number }
  | { type: "file:progress"; id: string; file: string; done: number; total: number | null }
  | { type: "model:installed"; id: string; files: number; bytes: number };

export interface PullOptions {
  catalog: ModelCatalog;
  store: ModelStore;
  /** Company mirror base URL replacing the catalog URLs' origin. */
  mirror?: string | undefined;
  /** Re-install models that are already installed. */
  force?: boolean | undefined;
  signal?: AbortSignal | undefined;
  timeoutMs?: number | undefined;
  retries?: number | undefined;
  onEvent?: ((event: PullEvent) => void) | undefined;
}

export interface PullResult {
  installed: string[];
  skipped: string[];
}

/** Models a pull target names: one model id, or every model of a profile (its language entries' too). */
export function pullTargets(catalog: ModelCatalog, target: string): CatalogModel[] {
  const model = catalog.findModel(target);
  if (model) return [model];
  if (!catalog.findProfile(target)) throw new ModelError("model_unknown", `no model or profile named '${target}' in the catalog; see \`parley models list\``, { status: 404 });
  return catalog.profileModelIds(target).map((id) => catalog.model(id));
}

/** Installs a model or every model of a profile, skipping what is already installed. */
export async function pull(target: string, o: PullOptions): Promise<PullResult> {
  const result: PullResult = { installed: [], skipped: [] };
  for (const model of pullTargets(o.catalog, target)) {
    const outcome = await pullModel(model, o);
    result[outcome].push(model.id);
  }
  return result;
}

/**
 * Installs one model atomically: its files are gathered and verified in a
 * staging folder under `.tmp/`, a manifest is written, and only then is the
 * folder renamed into place. Any failure removes the staging folder, so a
 * failed pull never leaves half a model (only resumable `.partial/` files).
 */
export async function pullModel(model: CatalogModel, o: PullOptions): Promise<"installed" | "skipped"> {
  const { store } = o;
  if (!o.force && (await store.get(model.id))) {
    o.onEvent?.({ type: "model:skip", id: model.id, reason: "installed" });
    return "skipped";
  }
  o.onEvent?.({ type: "model:start", id: model.id, sizeBytes: model.sizeBytes });
  const staging = await store.createStaging(model.id);
  let files: ManifestFile[];
  try {
    const source = await materialize(model, staging, {
      store,
      mirror: o.mirror,
      signal: o.signal,
      timeoutMs: o.timeoutMs,
      retries: o.retries,
      onProgress: (file, done, total) => o.onEvent?.({ type: "file:progress", id: model.id, file, done, total }),
    });
    files = await describeFiles(staging, o.signal);
    checkComplete(model, staging, files);
    const manifest: Manifest = { id: model.id, kind: model.kind, engine: model.engine, files, source, installedAt: new Date().toISOString() };
    await writeManifest(staging, manifest);
    await store.install(model.id, staging, { replace: o.force === true });
  } catch (err) {
    // The original failure is what the user needs; a cleanup problem must not replace it.
    await store.discard(staging).catch(() => undefined);
    throw err;
  }
  await rm(store.partialDirOf(model.id), { recursive: true, force: true });
  o.onEvent?.({ type: "model:installed", id: model.id, files: files.length, bytes: files.reduce((n, f) => n + f.size, 0) });
  return "installed";
}

/** Config keys that name files or folders inside the model folder (what src/engines opens). */
const fileRoles = new Set([
  "model", "encoder", "decoder", "joiner", "tokens", "file", "dataDir", "lexicon", "voices",
  "preprocessor", "uncachedDecoder", "cachedDecoder", "acousticModel", "vocoder", "bpeVocab",
]);

/**
 * Every file the catalog's `config` names must exist: this catches a wrong
 * archive `strip` or a renamed upstream file at install time, not at the
 * first call.
 */
function checkComplete(model: CatalogModel, staging: string, files: ManifestFile[]): void {
  if (files.length === 0) throw new ModelError("model_incomplete", `model '${model.id}': the source produced no files`);
  for (const [role, value] of Object.entries(model.config)) {
    if (!fileRoles.has(role) || typeof value !== "string") continue;
    if (!existsSync(join(staging, value))) {
      throw new ModelError("model_incomplete", `model '${model.id}': config.${role} names '${value}', which the source did not provide`);
    }
  }
}
