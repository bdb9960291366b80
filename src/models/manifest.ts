import { readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import { ModelError } from "../lib/errors.js";
import { engineTypes, modelKinds } from "./catalog-schema.js";
import { listFiles, sha256File } from "./hash.js";
import { storeLayout } from "./paths.js";

/**
 * `<modelsDir>/<id>/manifest.json`: what was installed, file by file, with
 * sizes and hashes, so `verify` can re-check it and a bundle can carry it.
 * Unknown keys are dropped rather than rejected, so a newer Parley's manifest
 * still reads here.
 */
const sha256 = z.string().regex(/^[0-9a-f]{64}$/);
const safeRelPath = z.string().min(1).refine((p) => !p.startsWith("/") && !p.split("/").some((s) => s === ".." || s === ""), "must be a relative path inside the model folder");

export const manifestFileSchema = z.object({ path: safeRelPath, size: z.number().int().nonnegative(), sha256 });

export const manifestSourceSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("files"), urls: z.array(z.string()) }),
  z.object({ type: z.literal("archive"), url: z.string() }),
  z.object({ type: z.literal("generator"), name: z.string() }),
  z.object({ type: z.literal("npm"), package: z.string(), file: z.string() }),
]);

export const manifestSchema = z.object({
  id: z.string().min(1),
  kind: z.enum(modelKinds),
  engine: z.enum(engineTypes),
  files: z.array(manifestFileSchema),
  /** Where the files originally came from (kept when the model travels in a bundle). */
  source: manifestSourceSchema,
  installedAt: z.string(),
  /** The bundle file this copy was imported from, if any. */
  importedFrom: z.string().optional(),
});

export type Manifest = z.infer<typeof manifestSchema>;
export type ManifestFile = z.infer<typeof manifestFileSchema>;
export type ManifestSource = z.infer<typeof manifestSourceSchema>;

/** Parses a manifest document; the error names where it came from. */
export function parseManifest(raw: unknown, where: string): Manifest {
  const parsed = manifestSchema.safeParse(raw);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new ModelError("manifest_invalid", `${where}: invalid manifest: ${first ? `${first.path.join(".") || "(top level)"}: ${first.message}` : "unknown error"}`);
  }
  return parsed.data;
}

/** The manifest in a model folder, or null when there is none (an incomplete or foreign folder). */
export async function readManifest(dir: string): Promise<Manifest | null> {
  const file = join(dir, storeLayout.manifest);
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw err;
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new ModelError("manifest_invalid", `${file}: not valid JSON`);
  }
  return parseManifest(raw, file);
}

/** Writes the manifest through a temporary file, so a crash never leaves half a manifest. */
export async function writeManifest(dir: string, manifest: Manifest): Promise<void> {
  const file = join(dir, storeLayout.manifest);
  await writeFile(`${file}.tmp`, JSON.stringify(manifest, null, 2) + "\n");
  await rename(`${file}.tmp`, file);
}

/** Hashes every file of a (staged) model folder, except the manifest itself. */
export async function describeFiles(dir: string, signal?: AbortSignal): Promise<ManifestFile[]> {
  const out: ManifestFile[] = [];
  for (const path of await listFiles(dir)) {
    if (path === storeLayout.manifest) continue;
    const { sha256: digest, size } = await sha256File(join(dir, path), signal);
    out.push({ path, size, sha256: digest });
  }
  return out;
}
