// Copies the non-TypeScript files the server reads at run time (SQL
// migrations, console assets) from src/ into dist/src/, next to the compiled
// modules that load them with `new URL("./...", import.meta.url)`.
import { cpSync, existsSync, readdirSync, rmSync, statSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const ASSET = /\.(sql|css|js|svg|png|ico|json)$/;

function walk(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path);
    else if (ASSET.test(name) && !name.endsWith(".d.ts")) {
      const target = join(root, "dist", relative(root, path));
      cpSync(path, target);
    }
  }
}

const src = join(root, "src");
// A renamed migration must not survive as its old copy: the store refuses two files with one number.
rmSync(join(root, "dist", "src", "store", "migrations"), { recursive: true, force: true });
if (existsSync(src)) walk(src);
