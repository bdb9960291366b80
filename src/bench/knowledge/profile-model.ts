import type { ParleyConfig } from "../../config/index.js";
import type { ModelRef } from "../../engines/model-ref.js";
import {
  catalogForConfig,
  isLocalModel,
  ModelStore,
  pullModel,
  type ModelRole,
  type OptionalRole,
} from "../../models/index.js";

/**
 * The profile's model for a role, installed as the server finds it; null
 * when the profile names none (an optional role). Like every bench, a model
 * with nothing to download (the tiny doubles, the load doubles) is generated
 * on first use; a real model not pulled yet is the store's clear error.
 */
export async function profileModelRef(
  config: ParleyConfig,
  cwd: string,
  role: ModelRole | OptionalRole,
  log: (line: string) => void,
): Promise<ModelRef | null> {
  const catalog = catalogForConfig(config, cwd);
  const model = catalog.resolveProfile(config.profile).models[role];
  if (!model) return null;
  const store = ModelStore.forConfig(config);
  if (!(await store.get(model.id)) && isLocalModel(model)) {
    log(`generating ${model.id} (first use)`);
    await pullModel(model, { catalog, store });
  }
  return store.requireRef(catalog, model.id);
}
