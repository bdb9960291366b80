#!/usr/bin/env node
// Launcher for the compiled CLI. `npm ci` builds dist/ through the `prepare` script.
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const entry = fileURLToPath(new URL("../dist/src/cli/bin.js", import.meta.url));
if (!existsSync(entry)) {
  process.stderr.write("parley: dist/ is missing; run `npm run build` (npm ci does it for you)\n");
  process.exit(1);
}
await import(entry);
