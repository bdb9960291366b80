import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { ParleyConfig } from "../config/index.js";
import { ModelError } from "../lib/errors.js";
import { describeCatalogIssues } from "./catalog-issues.js";
import { catalogSchema, modelRoles, optionalRoles, profileRoles, roleKinds, type Catalog, type CatalogModel, type ModelRole, type OptionalRole, type Profile } from "./catalog-schema.js";
import { builtinCatalogPath, extraCatalogPaths, modelsDirOf, storeLayout } from "./paths.js";

export interface LoadCatalogOptions {
  /** The shipped catalog; defaults to models/catalog.json of this installation. */
  builtin?: string;
  /** Entries carried in by imported bundles: they add models the built-in catalog lacks, never replace one. */
  imported?: string;
  /** Site catalogs (`models.extraCatalogs`), merged in order; a later entry with the same id wins. */
  extra?: readonly string[];
}

/** A profile with its models looked up: the five required roles, and the optional ones it names. */
export interface ResolvedProfile {
  name: string;
  profile: Profile;
  models: Record<ModelRole, CatalogModel> & Partial<Record<OptionalRole, CatalogModel>>;
}

/** The merged, validated catalog: what can be installed and which profiles exist. */
export class ModelCatalog {
  constructor(
    private readonly modelMap: ReadonlyMap<string, CatalogModel>,
    private readonly profileMap: ReadonlyMap<string, Profile>,
    /** The file each model and profile was read from (keys `model:<id>`, `profile:<name>`), for messages. */
    readonly origins: ReadonlyMap<string, string>,
  ) {}

  get models(): CatalogModel[] {
    return [...this.modelMap.values()];
  }

  get profileNames(): string[] {
    return [...this.profileMap.keys()];
  }

  findModel(id: string): CatalogModel | undefined {
    return this.modelMap.get(id);
  }

  /** The catalog entry of `id`, or a ModelError saying how to list what exists. */
  model(id: string): CatalogModel {
    const m = this.modelMap.get(id);
    if (!m) throw new ModelError("model_unknown", `no model '${id}' in the catalog; see \`parley models list\``, { status: 404 });
    return m;
  }

  findProfile(name: string): Profile | undefined {
    return this.profileMap.get(name);
  }

  /** The profile's models: vad, streaming ASR, batch ASR, LLM, TTS, and the turn model where it names one. */
  resolveProfile(name: string): ResolvedProfile {
    const profile = this.profileMap.get(name);
    if (!profile) {
      throw new ModelError("profile_unknown", `no profile '${name}' in the catalog (known: ${this.profileNames.join(", ")})`, { status: 404 });
    }
    const models = Object.fromEntries(modelRoles.map((role) => [role, this.model(profile[role])])) as ResolvedProfile["models"];
    for (const role of optionalRoles) {
      const id = profile[role];
      if (id !== undefined) models[role] = this.model(id);
    }
    return { name, profile, models };
  }

  /** Names of the profiles that use a model. */
  profilesUsing(id: string): string[] {
    return [...this.profileMap].filter(([, p]) => profileRoles.some((r) => p[r] === id)).map(([name]) => name);
  }
}

/** Loads, validates and merges catalogs, then checks every profile role points at a model of the right kind. */
export function loadCatalog(options: LoadCatalogOptions = {}): ModelCatalog {
  const models = new Map<string, CatalogModel>();
  const profiles = new Map<string, Profile>();
  const origins = new Map<string, string>();
  const add = (file: string, catalog: Catalog, onlyNew: boolean) => {
    for (const m of catalog.models) {
      if (onlyNew && models.has(m.id)) continue;
      models.set(m.id, m);
      origins.set(`model:${m.id}`, file);
    }
    for (const [name, p] of Object.entries(catalog.profiles)) {
      if (onlyNew && profiles.has(name)) continue;
      profiles.set(name, p);
      origins.set(`profile:${name}`, file);
    }
  };
  const builtin = options.builtin ?? builtinCatalogPath();
  add(builtin, readCatalogFile(builtin), false);
  if (options.imported && existsSync(options.imported)) add(options.imported, readCatalogFile(options.imported), true);
  for (const file of options.extra ?? []) add(file, readCatalogFile(file), false);
  checkProfiles(models, profiles, origins);
  checkStandIns(models, origins);
  return new ModelCatalog(models, profiles, origins);
}

/** The catalog a configuration asks for: built-in, imported bundle entries, then `models.extraCatalogs`. */
export function catalogForConfig(config: ParleyConfig, cwd: string = process.cwd()): ModelCatalog {
  return loadCatalog({
    imported: join(modelsDirOf(config), storeLayout.importedCatalog),
    extra: extraCatalogPaths(config, cwd),
  });
}

/** Reads and validates one catalog file; every error names the file. */
export function readCatalogFile(file: string): Catalog {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const why = e.code === "ENOENT" ? "file not found" : e instanceof SyntaxError ? `invalid JSON: ${e.message}` : e.message;
    throw new ModelError("catalog_invalid", `catalog ${file}: ${why}`, { status: 500, cause: err });
  }
  const parsed = catalogSchema.safeParse(raw);
  if (!parsed.success) {
    throw new ModelError("catalog_invalid", `catalog ${file}: ${describeCatalogIssues(parsed.error.issues, raw)}`, {
      status: 500,
      details: { file, issues: parsed.error.issues.map((i) => ({ path: i.path.map(String).join("."), message: i.message })) },
    });
  }
  const seen = new Set<string>();
  for (const m of parsed.data.models) {
    if (seen.has(m.id)) throw new ModelError("catalog_invalid", `catalog ${file}: model '${m.id}': id appears twice`, { status: 500 });
    seen.add(m.id);
  }
  return parsed.data;
}

/** A double's `standsInFor` must name a real model of the same kind. */
function checkStandIns(models: Map<string, CatalogModel>, origins: Map<string, string>): void {
  for (const m of models.values()) {
    if (m.standsInFor === undefined) continue;
    const where = `catalog ${origins.get(`model:${m.id}`) ?? "?"}: model '${m.id}': standsInFor`;
    const real = models.get(m.standsInFor);
    if (!real) throw new ModelError("catalog_invalid", `${where}: no model '${m.standsInFor}' in any catalog`, { status: 500 });
    if (real.kind !== m.kind) throw new ModelError("catalog_invalid", `${where}: '${real.id}' is a ${real.kind} model, '${m.id}' is ${m.kind}`, { status: 500 });
    if (real.standsInFor !== undefined) throw new ModelError("catalog_invalid", `${where}: '${real.id}' is itself a double`, { status: 500 });
  }
}

function checkProfiles(models: Map<string, CatalogModel>, profiles: Map<string, Profile>, origins: Map<string, string>): void {
  for (const [name, profile] of profiles) {
    for (const role of profileRoles) {
      const id = profile[role];
      if (id === undefined) continue; // an optional role left out
      const model = models.get(id);
      const where = `catalog ${origins.get(`profile:${name}`) ?? "?"}: profile '${name}': ${role}`;
      if (!model) throw new ModelError("catalog_invalid", `${where}: no model '${id}' in any catalog`, { status: 500 });
      if (model.kind !== roleKinds[role]) {
        throw new ModelError("catalog_invalid", `${where}: '${id}' is a ${model.kind} model, the role needs ${roleKinds[role]}`, { status: 500 });
      }
    }
  }
}
