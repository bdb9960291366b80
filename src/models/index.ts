/** The model manager: catalog, store, pull, verify and bundles for air-gapped sites. */
export * from "./catalog-schema.js";
export { catalogForConfig, loadCatalog, readCatalogFile, ModelCatalog, type LoadCatalogOptions, type ResolvedProfile } from "./catalog.js";
export { ModelStore, type InstalledModel } from "./store.js";
export { readManifest, type Manifest, type ManifestFile, type ManifestSource } from "./manifest.js";
export { pull, pullModel, pullTargets, type PullEvent, type PullOptions, type PullResult } from "./pull.js";
export { verifyInstalled, describeProblem, type VerifyReport, type FileProblem } from "./verify.js";
export { exportBundle, importBundle, type ExportOptions, type ExportResult, type ImportOptions, type ImportResult } from "./bundle.js";
export { applyMirror } from "./mirror.js";
export { modelsDirOf, packageRoot } from "./paths.js";
