import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { ParleyConfig } from "../config/index.js";
import { ModelError } from "../lib/errors.js";
import { describeCatalogIssues } from "./catalog-issues.js";
import { catalogSchema, modelRoles, optionalRoles, profileRoles, roleKinds, type Catalog, type CatalogModel, type ModelRole, type OptionalRole, type Profile, type ProfileRole } from "./catalog-schema.js";
import { builtinCatalogPath, extraCatalogPaths, modelsDirOf, storeLayout } from "./paths.js";

export interface LoadCatalogOptions {
  /** The shipped catalog; defaults to models/catalog.json of this installation. */
  builtin?: string;
  /** Entries carried in by imported bundles: they add models the built-in catalog lacks, never replace one. */
  imported?: string;
  /** Site catalogs (`models.extraCatalogs`), merged in order; a later entry with the same id wins. */
  extra?: readonly string[];
}

/** A profile with its models looked up: the five engines, and the optional ones it names. */
export interface ResolvedProfile {
  name: string;
  profile: Profile;
  models: Record<ModelRole, CatalogModel> & Partial<Record<OptionalRole, CatalogModel>>;
  /** The language the models were picked for (its base subtag), when one was asked for. */
  language?: string;
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

  /**
   * The profile's models: the five engines (vad, streaming ASR, batch ASR, LLM, TTS), then the optional ones it
   * names (embed). With a language (a BCP 47 tag such as "de-AT"), the roles the profile's `languages` entry for
   * its base subtag names are taken from there.
   */
  resolveProfile(name: string, language?: string): ResolvedProfile {
    const profile = this.profileMap.get(name);
    if (!profile) {
      throw new ModelError("profile_unknown", `no profile '${name}' in the catalog (known: ${this.profileNames.join(", ")})`, { status: 404 });
    }
    const base = language === undefined ? undefined : (language.split("-")[0] ?? language).toLowerCase();
    const override = base === undefined ? undefined : profile.languages?.[base];
    const models = Object.fromEntries(modelRoles.map((role) => [role, this.model(override?.[role] ?? profile[role])])) as ResolvedProfile["models"];
    for (const role of optionalRoles) {
      const id = profile[role];
      if (id !== undefined) models[role] = this.model(id);
    }
    return base === undefined ? { name, profile, models } : { name, profile, models, language: base };
  }

  /** Every model a profile may load: its five, its optional ones, and those of its language entries (what a pull or a bundle must carry). */
  profileModelIds(name: string): string[] {
    const profile = this.profileMap.get(name);
    if (!profile) return [];
    const ids = profileRoles.map((r) => profile[r]).filter((id): id is string => id !== undefined);
    for (const o of Object.values(profile.languages ?? {})) for (const r of modelRoles) if (o[r]) ids.push(o[r]);
    return [...new Set(ids)];
  }

  /** Names of the profiles that use a model (in a role or a language entry). */
  profilesUsing(id: string): string[] {
    return [...this.profileMap.keys()].filter((name) => this.profileModelIds(name).includes(id));
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
    const at = `catalog ${origins.get(`profile:${name}`) ?? "?"}: profile '${name}'`;
    for (const role of profileRoles) {
      const id = profile[role];
      if (id !== undefined) checkRole(models, `${at}: ${role}`, id, role); // an optional role the profile may leave out
    }
    for (const [language, override] of Object.entries(profile.languages ?? {})) {
      for (const role of modelRoles) {
        const id = override[role];
        if (id === undefined) continue;
        const where = `${at}: languages.${language}.${role}`;
        checkRole(models, where, id, role);
        // A language entry exists to serve that language: a model that says it does not speak it is a slip.
        const langs = models.get(id)!.languages.map((l) => (l.split("-")[0] ?? l).toLowerCase());
        if (role !== "vad" && !langs.includes(language) && !langs.includes("multi")) {
          throw new ModelError("catalog_invalid", `${where}: '${id}' is not listed for language '${language}' (it has ${langs.join(", ")})`, { status: 500 });
        }
      }
    }
  }
}

function checkRole(models: Map<string, CatalogModel>, where: string, id: string, role: ProfileRole): void {
  const model = models.get(id);
  if (!model) throw new ModelError("catalog_invalid", `${where}: no model '${id}' in any catalog`, { status: 500 });
  if (model.kind !== roleKinds[role]) {
    throw new ModelError("catalog_invalid", `${where}: '${id}' is a ${model.kind} model, the role needs ${roleKinds[role]}`, { status: 500 });
  }
}
