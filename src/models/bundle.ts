import { createHash } from "node:crypto";
import { createWriteStream } from "node:fs";
import { rename, rm, writeFile } from "node:fs/promises";
import { join, relative, resolve, sep } from "node:path";
import { pipeline } from "node:stream/promises";
import { create as createTar } from "tar";
import { ModelError } from "../lib/errors.js";
import { bundleFormat, type BundleDocument } from "./bundle-format.js";
import type { ModelCatalog } from "./catalog.js";
import { sha256File } from "./hash.js";
import { storeLayout } from "./paths.js";
import type { ModelStore } from "./store.js";
import { tap } from "./tap.js";
import { describeProblem, verifyInstalled } from "./verify.js";

export { importBundle, type ImportOptions, type ImportResult } from "./bundle-import.js";
export { bundleFormat, bundleSchema, type BundleDocument } from "./bundle-format.js";


export interface ExportOptions {
  catalog: ModelCatalog;
  store: ModelStore;
  signal?: AbortSignal | undefined;
  /** Bytes written so far of about `total`. */
  onProgress?: ((done: number, total: number) => void) | undefined;
}

export interface ExportResult {
  file: string;
  models: string[];
  bytes: number;
  /** sha256 of the whole tar: compare it at the receiving site before importing. */
  sha256: string;
}

/**
 * Writes a profile's installed models into one tar. Every model is verified
 * first: a corrupt copy found after carrying the bundle into the site costs
 * another trip. The tar is written beside its destination and renamed at the
 * end, so a failed export never leaves a bundle that looks finished.
 */
export async function exportBundle(profileName: string, outFile: string, o: ExportOptions): Promise<ExportResult> {
  const resolved = o.catalog.resolveProfile(profileName);
  // Every model the profile may load, its language entries' included: the site may run agents in any of them.
  const ids = o.catalog.profileModelIds(profileName);
  const models: BundleDocument["models"] = [];
  const files: BundleDocument["files"] = [];
  const tarPaths: string[] = [];
  for (const id of ids) {
    const { manifest, dir } = await o.store.require(id);
    const report = await verifyInstalled(o.store, id, o.catalog.model(id), o.signal);
    if (!report.ok) {
      throw new ModelError("model_corrupt", `model '${id}' failed verification (${report.problems.map(describeProblem).join("; ")}); pull it again with --force before exporting`);
    }
    const manifestHash = await sha256File(join(dir, storeLayout.manifest));
    for (const f of [...manifest.files, { path: storeLayout.manifest, ...manifestHash }]) {
      files.push({ path: `models/${id}/${f.path}`, size: f.size, sha256: f.sha256 });
      tarPaths.push(`${id}/${f.path}`);
    }
    models.push({ manifest, catalogEntry: o.catalog.model(id) });
  }
  const doc: BundleDocument = { format: bundleFormat, version: 1, createdAt: new Date().toISOString(), profile: profileName, profileEntry: resolved.profile, models, files };

  const staging = await o.store.createStaging("export");
  const target = resolve(outFile);
  const partial = `${target}.partial`;
  const tarHash = createHash("sha256");
  try {
    const docPath = join(staging, "bundle.json");
    await writeFile(docPath, JSON.stringify(doc, null, 2) + "\n");
    const docRel = relative(o.store.root, docPath).split(sep).join("/");
    const total = files.reduce((n, f) => n + f.size, 0);
    let done = 0;
    const counter = tap((chunk) => {
      tarHash.update(chunk);
      done += chunk.length;
      o.onProgress?.(Math.min(done, total), total);
    });
    // Paths are given relative to the store and renamed as each entry is written: bundle.json first, then models/<id>/...
    const pack = createTar(
      { cwd: o.store.root, portable: true, onWriteEntry: (e) => void (e.path = e.path === docRel ? "bundle.json" : `models/${e.path}`) },
      [docRel, ...tarPaths],
    );
    await pipeline(pack as unknown as NodeJS.ReadableStream, counter, createWriteStream(partial), { signal: o.signal });
    await rename(partial, target);
  } catch (err) {
    await rm(partial, { force: true });
    throw err;
  } finally {
    await o.store.discard(staging);
  }
  return { file: target, models: ids, bytes: files.reduce((n, f) => n + f.size, 0), sha256: tarHash.digest("hex") };
}
