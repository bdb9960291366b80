import type { ParleyConfig } from "../config/index.js";
import type { ModelRef } from "../engines/model-ref.js";
import { modelRoles, type ModelRole } from "../models/catalog-schema.js";
import { catalogForConfig } from "../models/catalog.js";
import { ModelStore } from "../models/store.js";

export interface ProfileModels {
  profile: string;
  refs: Partial<Record<ModelRole, ModelRef>>;
  missing: { role: ModelRole; modelId: string }[];
}

/** Looks up the configured profile's five models in the store; missing ones are listed, not thrown. */
export async function resolveProfileModels(config: ParleyConfig, cwd: string): Promise<ProfileModels> {
  const catalog = catalogForConfig(config, cwd);
  const resolved = catalog.resolveProfile(config.profile);
  const store = ModelStore.forConfig(config);
  const refs: Partial<Record<ModelRole, ModelRef>> = {};
  const missing: ProfileModels["missing"] = [];
  for (const role of modelRoles) {
    const model = resolved.models[role];
    const installed = await store.get(model.id);
    if (installed) refs[role] = { model, dir: installed.dir };
    else missing.push({ role, modelId: model.id });
  }
  return { profile: resolved.name, refs, missing };
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
