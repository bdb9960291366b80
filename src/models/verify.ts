import { join } from "node:path";
import type { CatalogModel } from "./catalog-schema.js";
import { sha256File } from "./hash.js";
import type { ModelStore } from "./store.js";

export type FileProblemKind = "missing" | "size" | "sha256" | "catalog_sha256" | "not_in_manifest";

export interface FileProblem {
  path: string;
  problem: FileProblemKind;
  expected?: string | number;
  actual?: string | number;
}

export interface VerifyReport {
  id: string;
  ok: boolean;
  files: number;
  bytes: number;
  problems: FileProblem[];
}

/**
 * Re-hashes an installed model's files against its manifest and, where the
 * catalog publishes per-file hashes, against the catalog too: the manifest
 * alone would not notice a model that was altered together with its manifest.
 */
export async function verifyInstalled(store: ModelStore, id: string, catalogModel?: CatalogModel, signal?: AbortSignal): Promise<VerifyReport> {
  const { manifest, dir } = await store.require(id);
  const problems: FileProblem[] = [];
  let bytes = 0;
  for (const f of manifest.files) {
    let actual: { sha256: string; size: number };
    try {
      actual = await sha256File(join(dir, f.path), signal);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
      problems.push({ path: f.path, problem: "missing" });
      continue;
    }
    bytes += actual.size;
    if (actual.size !== f.size) problems.push({ path: f.path, problem: "size", expected: f.size, actual: actual.size });
    else if (actual.sha256 !== f.sha256) problems.push({ path: f.path, problem: "sha256", expected: f.sha256, actual: actual.sha256 });
  }
  for (const cf of catalogModel?.files ?? []) {
    const mf = manifest.files.find((f) => f.path === cf.path);
    if (!mf) problems.push({ path: cf.path, problem: "not_in_manifest" });
    else if (cf.sha256 && mf.sha256 !== cf.sha256) problems.push({ path: cf.path, problem: "catalog_sha256", expected: cf.sha256, actual: mf.sha256 });
  }
  return { id, ok: problems.length === 0, files: manifest.files.length, bytes, problems };
}

/** One line per problem, for CLI output and error messages. */
export function describeProblem(p: FileProblem): string {
  switch (p.problem) {
    case "missing":
      return `${p.path}: missing`;
    case "size":
      return `${p.path}: ${p.actual} bytes, manifest says ${p.expected}`;
    case "sha256":
      return `${p.path}: sha256 differs from the manifest`;
    case "catalog_sha256":
      return `${p.path}: sha256 differs from the catalog`;
    case "not_in_manifest":
      return `${p.path}: named by the catalog but not installed`;
  }
}
