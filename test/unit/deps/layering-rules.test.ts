import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { repoRoot } from "../../helpers/paths.js";

/**
 * The layering rules of .dependency-cruiser.cjs (npm run check:deps) shown
 * failing on purpose: a small tree with one violation of each kind, cruised
 * with the project's own config. The real tree passing is checked by CI
 * (.ci/run runs check:deps before the tests).
 */
const dir = mkdtempSync(join(tmpdir(), "parley-depcruise-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function tree(files: Record<string, string>): void {
  writeFileSync(
    join(dir, "tsconfig.json"),
    JSON.stringify({ compilerOptions: { module: "NodeNext", moduleResolution: "NodeNext", strict: true } }),
  );
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
}

function cruise(): { status: number | null; out: string } {
  const bin = join(repoRoot, "node_modules", ".bin", "depcruise");
  const r = spawnSync(bin, ["src", "--config", join(repoRoot, ".dependency-cruiser.cjs"), "--output-type", "err"], {
    cwd: dir,
    encoding: "utf8",
    timeout: 60_000,
  });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

describe("npm run check:deps (dependency-cruiser with the project's layering rules)", () => {
  it("fails on an upward import, a file cycle, a feature importing a feature and app/ imported from below", () => {
    tree({
      "src/lib/clock.ts": "export const now = (): number => Date.now();\n",
      // Upward: store/ (lower) imports notify/ (a feature).
      "src/store/repo.ts": 'import type { Menu } from "../notify/menu.js";\nexport const menus: Menu[] = [];\n',
      "src/notify/menu.ts": "export interface Menu { options: Record<string, string> }\n",
      // A cycle between two files of one folder.
      "src/jobs/a.ts": 'import { b } from "./b.js";\nexport const a = (): number => b() + 1;\n',
      "src/jobs/b.ts": 'import { a } from "./a.js";\nexport const b = (): number => (Math.random() > 2 ? a() : 0);\n',
      // Features do not import each other.
      "src/voicemail/route.ts":
        'import { deliver } from "../webhooks/send.js";\nexport const route = (): void => deliver();\n',
      "src/webhooks/send.ts": "export const deliver = (): void => undefined;\n",
      // Only cli/ and bench/ build the application.
      "src/app/build.ts": 'import { now } from "../lib/clock.js";\nexport const build = (): number => now();\n',
      "src/api/server.ts": 'import { build } from "../app/build.js";\nexport const start = (): number => build();\n',
      "src/cli/main.ts": 'import { build } from "../app/build.js";\nexport const main = (): number => build();\n',
    });
    const { status, out } = cruise();
    expect(status, out).not.toBe(0);
    expect(out).toMatch(/no-upward-from-store\S*: src\/store\/repo\.ts → src\/notify\/menu\.ts/);
    expect(out).toMatch(/no-file-cycles: src\/jobs\/(a|b)\.ts/);
    expect(out).toMatch(/no-feature-to-feature: src\/voicemail\/route\.ts → src\/webhooks\/send\.ts/);
    expect(out).toMatch(/app-only-from-entry-points: src\/api\/server\.ts → src\/app\/build\.ts/);
    // cli/ building the app is allowed: named nowhere.
    expect(out).not.toMatch(/src\/cli\/main\.ts/);
  }, 90_000);

  it("passes the same tree once the violations are gone", () => {
    rmSync(join(dir, "src"), { recursive: true, force: true });
    tree({
      "src/lib/clock.ts": "export const now = (): number => Date.now();\n",
      "src/store/repo.ts": 'import { now } from "../lib/clock.js";\nexport const stamp = (): number => now();\n',
      "src/app/build.ts": 'import { stamp } from "../store/repo.js";\nexport const build = (): number => stamp();\n',
      "src/cli/main.ts": 'import { build } from "../app/build.js";\nexport const main = (): number => build();\n',
    });
    const { status, out } = cruise();
    expect(out).toMatch(/no dependency violations found/);
    expect(status, out).toBe(0);
  }, 90_000);
});
