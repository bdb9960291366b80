import { existsSync } from "node:fs";
import { mkdir, rename, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { Catalog, CatalogModel, Profile } from "./catalog-schema.js";
import { readCatalogFile } from "./catalog.js";
import { storeLayout } from "./paths.js";

/**
 * `<modelsDir>/.catalog/imported.json`: catalog entries that arrived with
 * bundles. The catalog loader adds them only where the built-in catalog has
 * no entry of that id, so a site running an older Parley still knows models
 * a newer one exported, without a bundle ever overriding shipped entries.
 */
export async function rememberImportedEntries(modelsDir: string, models: readonly CatalogModel[], profiles: Record<string, Profile>): Promise<void> {
  const file = join(modelsDir, storeLayout.importedCatalog);
  const current: Catalog = existsSync(file) ? readCatalogFile(file) : { version: 1, models: [], profiles: {} };
  const byId = new Map(current.models.map((m) => [m.id, m]));
  for (const m of models) byId.set(m.id, m);
  const next: Catalog = { version: 1, models: [...byId.values()], profiles: { ...current.profiles, ...profiles } };
  await mkdir(dirname(file), { recursive: true });
  await writeFile(`${file}.tmp`, JSON.stringify(next, null, 2) + "\n");
  await rename(`${file}.tmp`, file);
}
