import type { ParleyConfig } from "../../../config/index.js";
import { runChecks, type CheckResult } from "../../../doctor/checks.js";
import { describeError } from "../../../lib/errors.js";
import { catalogForConfig, ModelStore, modelRoles, type Manifest, type ModelRole } from "../../../models/index.js";

export interface ProfileView {
  name: string;
  description: string;
  selected: boolean;
  models: { role: ModelRole; id: string; installed: boolean }[];
}

export interface ModelsView {
  installed: (Manifest & { bytes: number })[];
  profiles: ProfileView[];
  catalogError: string | null;
}

/** Installed models and every profile of the catalog, with which of its models are here. */
export async function modelsView(config: ParleyConfig): Promise<ModelsView> {
  const installed = (await ModelStore.forConfig(config).list()).map((m) => ({ ...m, bytes: m.files.reduce((n, f) => n + f.size, 0) }));
  const have = new Set(installed.map((m) => m.id));
  try {
    const catalog = catalogForConfig(config);
    const profiles = catalog.profileNames.map((name) => {
      const p = catalog.resolveProfile(name);
      return { name, description: p.profile.description, selected: name === config.profile, models: modelRoles.map((role) => ({ role, id: p.models[role].id, installed: have.has(p.models[role].id) })) };
    });
    return { installed, profiles, catalogError: null };
  } catch (err) {
    return { installed, profiles: [], catalogError: describeError(err) };
  }
}

/**
 * `parley doctor`'s checks, run at most once a minute however often the page
 * is opened (they start processes and load native modules). The HTTP port
 * check is left out: this very server is what listens there.
 */
export function doctorCache(config: ParleyConfig, ttlMs = 60_000): (now: number, fresh?: boolean) => Promise<{ at: number; results: CheckResult[] }> {
  let last: { at: number; results: Promise<CheckResult[]> } | null = null;
  return async (now, fresh = false) => {
    if (!last || fresh || now - last.at > ttlMs) {
      const results = runChecks(config, process.cwd()).then((all) => all.filter((r) => !(r.group === "network" && r.name === "http port")));
      last = { at: now, results };
      // A failed run must not be cached: the next view tries again.
      results.catch(() => (last = null));
    }
    return { at: last.at, results: await last.results };
  };
}
