// The layering of docs/architecture.md, checked by dependency-cruiser (`npm run check:deps`).
// Layers from the bottom: a folder may import its own band (without cycles) and any band below, never one above.
// Features sit in one band but never import each other: they talk through handlers that app/ gives them.
/** @type {string[][]} bands of top-level folders under src/, lowest first */
const bands = [
  ["lib"],
  ["config"],
  ["audio"],
  ["store", "rtp", "sip", "engines", "models"],
  // doctor/: the machine checks, for `parley doctor` and the console's models page (config, models, engines only).
  // intake/: voicemail arriving by e-mail or a spool folder; knowledge/: documents, chunks and search for agents.
  ["jobs", "events", "doctor", "intake", "knowledge"],
  ["agent"],
  ["calls", "voicemail", "notify", "webhooks"],
  ["api"],
  ["app"],
  ["cli", "bench"],
];
const features = ["calls", "voicemail", "notify", "webhooks"];
// Entry points that may build the application; everything else receives what app/ built.
const composers = ["cli", "bench"];

const any = (folders) => `^src/(${folders.join("|")})/`;

const upward = bands.slice(0, -1).map((band, i) => ({
  name: `no-upward-from-${band.join("-")}`,
  severity: "error",
  comment: `${band.join(", ")} may not import a higher layer (${bands
    .slice(i + 1)
    .flat()
    .join(", ")})`,
  from: { path: any(band) },
  to: { path: any(bands.slice(i + 1).flat()) },
}));

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "no-file-cycles",
      severity: "error",
      comment: "files may not import each other in a circle (type-only imports count too)",
      from: { path: "^src/" },
      to: { circular: true },
    },
    {
      name: "no-folder-cycles",
      severity: "error",
      comment: "folders (top-level and nested) may not import each other in a circle",
      scope: "folder",
      from: { path: "^src/" },
      to: { circular: true },
    },
    ...upward,
    {
      name: "no-feature-to-feature",
      severity: "error",
      comment: "a feature does not import another feature: app/ hands it the handlers it needs (calls gets onMessage)",
      from: { path: any(features) },
      to: { path: any(features), pathNot: "^src/$1/" },
    },
    {
      name: "app-only-from-entry-points",
      severity: "error",
      comment: `app/ is the composition root: only ${composers.join(" and ")} build the application`,
      from: { path: "^src/", pathNot: `${any(composers)}|^src/app/` },
      to: { path: "^src/app/" },
    },
    {
      name: "every-folder-in-a-layer",
      severity: "error",
      comment:
        "a new top-level folder under src/ must be placed in a layer (the bands above, and docs/architecture.md)",
      from: { path: "^src/", pathNot: any(bands.flat()) },
      to: {},
    },
    {
      name: "no-unresolvable",
      severity: "error",
      comment: "an import that does not resolve is a typo or a missing dependency",
      from: { path: "^src/" },
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "\\.d\\.ts$" },
    // Type-only imports count: a type pulled from a higher layer is an upward dependency all the same.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default", "types"],
      mainFields: ["module", "main", "types", "typings"],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
