import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { storeDependentFiles } from "../../../scripts/store-dependent-tests.js";
import { repoRoot } from "../../helpers/paths.js";

describe("the PostgreSQL pass's files (scripts/store-dependent-tests.ts)", () => {
  const root = mkdtempSync(join(tmpdir(), "parley-store-dependent-"));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const write = (path: string, text: string) => {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  };

  it("takes the files whose imports reach test/helpers/app.ts, directly or through helpers (cycles too), and no others", () => {
    write("test/helpers/app.ts", "export const createTestApp = 1;\n");
    write("test/helpers/other.ts", 'import { x } from "./cycle.js";\n');
    write("test/helpers/cycle.ts", 'import { y } from "./other.js";\n');
    write("test/integration/api/direct.test.ts", 'import { createTestApp } from "../../helpers/app.js";\n');
    write("test/integration/notify/helpers.ts", 'import type { TestApp } from "../../helpers/app.js";\n');
    write("test/integration/notify/via-helper.test.ts", 'import { h } from "./helpers.js";\n');
    write("test/integration/rtp/alone.test.ts", 'import { x } from "../../helpers/other.js";\nimport "vitest";\n');
    write("test/integration/rtp/not-a-test.ts", 'import { createTestApp } from "../../helpers/app.js";\n');
    expect(storeDependentFiles(root)).toEqual([
      "test/integration/api/direct.test.ts",
      "test/integration/notify/via-helper.test.ts",
    ]);
  });

  it("finds this repository's API and voicemail files, not its RTP or engine files", () => {
    const files = storeDependentFiles(repoRoot);
    expect(files).toContain("test/integration/voicemail/pipeline.test.ts");
    expect(files).toContain("test/integration/api/webhooks-delivery.test.ts");
    expect(files.some((f) => f.startsWith("test/integration/rtp/") || f.startsWith("test/integration/engines/"))).toBe(
      false,
    );
  });
});
