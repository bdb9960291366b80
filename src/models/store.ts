import { randomBytes } from "node:crypto";
import { chmod, mkdir, mkdtemp, readdir, rename, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import type { ParleyConfig } from "../config/index.js";
import { ModelError } from "../lib/errors.js";
import type { CatalogModel } from "./catalog-schema.js";
import type { ModelCatalog } from "./catalog.js";
import { readManifest, type Manifest } from "./manifest.js";
import { modelsDirOf, storeLayout } from "./paths.js";

/** An installed model: its manifest and the folder its files are in. */
export interface InstalledModel {
  manifest: Manifest;
  dir: string;
}

const idPattern = /^[a-z0-9][a-z0-9._-]*$/;

/**
 * The model store: one folder per model under the models directory, each with
 * a manifest.json. A folder without a manifest is not a model (an install only
 * ever appears by renaming a complete, verified staging folder into place).
 */
export class ModelStore {
  constructor(readonly root: string) {}

  static forConfig(config: ParleyConfig): ModelStore {
    return new ModelStore(modelsDirOf(config));
  }

  /** Folder of a model; rejects ids that could point outside the store. */
  dirOf(id: string): string {
    if (!idPattern.test(id)) throw new ModelError("model_id_invalid", `'${id}' is not a valid model id`, { status: 400 });
    return join(this.root, id);
  }

  /** Where half-downloaded files of a model wait for the next pull. */
  partialDirOf(id: string): string {
    this.dirOf(id);
    return join(this.root, storeLayout.partial, id);
  }

  /** Manifests of every installed model, sorted by id. */
  async list(): Promise<Manifest[]> {
    let names: string[];
    try {
      names = (await readdir(this.root, { withFileTypes: true })).filter((e) => e.isDirectory() && idPattern.test(e.name)).map((e) => e.name);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return [];
      throw err;
    }
    const manifests = await Promise.all(names.sort().map((n) => readManifest(join(this.root, n))));
    return manifests.filter((m): m is Manifest => m !== null);
  }

  async get(id: string): Promise<InstalledModel | null> {
    const dir = this.dirOf(id);
    const manifest = await readManifest(dir);
    return manifest ? { manifest, dir } : null;
  }

  /** The installed model, or a ModelError `model_missing` that says how to get it. */
  async require(id: string): Promise<InstalledModel> {
    const installed = await this.get(id);
    if (installed) return installed;
    throw new ModelError(
      "model_missing",
      `model '${id}' is not installed in ${this.root}; on a connected machine run \`parley models pull ${id}\` (or \`parley models pull <profile>\`), on an air-gapped one \`parley models import <bundle.tar>\``,
      { details: { id, modelsDir: this.root } },
    );
  }

  /** Catalog entry plus folder of an installed model: what an engine factory needs. */
  async requireRef(catalog: ModelCatalog, id: string): Promise<{ model: CatalogModel; dir: string; manifest: Manifest }> {
    const model = catalog.model(id);
    const { manifest, dir } = await this.require(id);
    return { model, dir, manifest };
  }

  /**
   * Removes a model folder (even one whose manifest is damaged); false when
   * there was none. The folder vanishes in one rename before it is deleted.
   */
  async remove(id: string): Promise<boolean> {
    const dir = this.dirOf(id);
    await rm(this.partialDirOf(id), { recursive: true, force: true });
    if (!(await exists(dir))) return false;
    const trash = join(this.root, storeLayout.tmp, `rm-${id}-${randomBytes(4).toString("hex")}`);
    await mkdir(join(this.root, storeLayout.tmp), { recursive: true });
    await rename(dir, trash);
    await rm(trash, { recursive: true, force: true });
    return true;
  }

  /** A fresh staging folder on the same file system as the store, so installing is a rename. */
  async createStaging(label: string): Promise<string> {
    const tmp = join(this.root, storeLayout.tmp);
    await mkdir(tmp, { recursive: true });
    return mkdtemp(join(tmp, `${label}-`));
  }

  async discard(staging: string): Promise<void> {
    // An aborted extraction may still be closing files in there for a moment (ENOTEMPTY, EBUSY): retry briefly.
    await rm(staging, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 });
  }

  /**
   * Moves a complete staging folder into place. An existing install is only
   * replaced when asked; it is first moved aside, so at every instant the id
   * points at either the old complete model or the new one.
   */
  async install(id: string, staging: string, options: { replace?: boolean } = {}): Promise<void> {
    const dir = this.dirOf(id);
    // mkdtemp made the staging folder private (0700); an installed model is readable like any data file.
    await chmod(staging, 0o755);
    const existing = await readManifest(dir).catch(() => null);
    let aside: string | undefined;
    if (existing || (await exists(dir))) {
      if (existing && !options.replace) throw new ModelError("model_exists", `model '${id}' is already installed`, { status: 409 });
      aside = join(this.root, storeLayout.tmp, `old-${id}-${randomBytes(4).toString("hex")}`);
      await rename(dir, aside);
    }
    try {
      await rename(staging, dir);
    } catch (err) {
      if (aside) await rename(aside, dir).catch(() => undefined);
      throw err;
    }
    if (aside) await rm(aside, { recursive: true, force: true });
  }
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(() => true, () => false);
}
