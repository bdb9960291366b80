import { z } from "zod";
import { catalogModelSchema, profileSchema } from "./catalog-schema.js";
import { manifestFileSchema, manifestSchema } from "./manifest.js";

/**
 * A bundle is one plain tar that moves a profile's models into an air-gapped
 * site. Its first entry is `bundle.json` (this schema); then every model
 * folder under `models/<id>/`. Import checks each file against the hashes
 * listed here before it installs anything.
 */
export const bundleFormat = "parley-model-bundle";

export const bundleSchema = z.object({
  format: z.literal(bundleFormat),
  version: z.literal(1),
  createdAt: z.string(),
  profile: z.string(),
  /** The profile entry and the catalog entries of its models, so an older site's catalog learns them. */
  profileEntry: profileSchema,
  models: z.array(z.object({ manifest: manifestSchema, catalogEntry: catalogModelSchema })).min(1),
  /** Every file in the tar besides bundle.json, with size and sha256. */
  files: z.array(manifestFileSchema),
});

export type BundleDocument = z.infer<typeof bundleSchema>;
