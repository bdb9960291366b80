import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

/**
 * The test/integration files (relative to `root`, sorted) whose relative imports reach test/helpers/app.ts, directly
 * or through a helper: the files whose apps `createTestApp` puts on PostgreSQL with PARLEY_TEST_STORE=postgres.
 */
export function storeDependentFiles(root: string): string[] {
  const appHelper = join(root, "test/helpers/app.ts");
  const reaches = new Map<string, boolean>();
  const visit = (file: string): boolean => {
    if (file === appHelper) return true;
    const known = reaches.get(file);
    if (known !== undefined) return known;
    reaches.set(file, false); // a cycle reaches nothing new
    const source = readFileSync(file, "utf8");
    const found = [...source.matchAll(/from\s+"(\.{1,2}\/[^"]+)"/g)].some(([, spec]) => {
      const target = resolve(dirname(file), spec!.replace(/\.js$/, ".ts"));
      return target.startsWith(join(root, "test")) && existsSync(target) && visit(target);
    });
    reaches.set(file, found);
    return found;
  };
  const tests = readdirSync(join(root, "test/integration"), { recursive: true, encoding: "utf8" })
    .filter((f) => f.endsWith(".test.ts"))
    .map((f) => join(root, "test/integration", f))
    .sort();
  return tests.filter(visit).map((f) => relative(root, f));
}
