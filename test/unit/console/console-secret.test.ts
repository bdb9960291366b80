import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadConsoleSecret } from "../../../src/api/console/auth/secret.js";

// Operator accounts and logouts are in the store now: test/integration/store/console-identity.test.ts.
describe("console secret of a SQLite node", () => {
  it("is made once with mode 0600 and read back the same", () => {
    const dir = mkdtempSync(join(tmpdir(), "parley-secret-"));
    try {
      const a = loadConsoleSecret(dir);
      expect(a.length).toBe(32);
      expect(statSync(join(dir, "console-secret")).mode & 0o777).toBe(0o600);
      expect(loadConsoleSecret(dir).equals(a)).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
