import { join } from "node:path";
import type { CatalogModel } from "../models/catalog-schema.js";
import { ModelError } from "../lib/errors.js";

/** A catalog model and the folder it is installed in: all a factory needs. */
export interface ModelRef {
  model: CatalogModel;
  dir: string;
}

/** Absolute path of a file role from the model's `config` (e.g. "encoder"), or an error naming the role. */
export function modelFile(ref: ModelRef, role: string): string {
  const value = ref.model.config[role];
  if (typeof value !== "string" || value.length === 0) {
    throw new ModelError("model_config_invalid", `model ${ref.model.id}: catalog config has no '${role}' file`);
  }
  return join(ref.dir, value);
}

/** An optional file role; undefined when the catalog does not name one. */
export function optionalModelFile(ref: ModelRef, role: string): string | undefined {
  const value = ref.model.config[role];
  return typeof value === "string" && value.length > 0 ? join(ref.dir, value) : undefined;
}

/** A non-file setting from the model's `config`. */
export function modelSetting<T>(ref: ModelRef, key: string, fallback: T): T {
  const value = ref.model.config[key];
  return value === undefined ? fallback : (value as T);
}
