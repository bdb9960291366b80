import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { verifyApiKey } from "../../../src/api/auth/api-keys.js";
import { runCliInProcess } from "../../helpers/cli.js";
import { openDatabase } from "../../../src/store/index.js";
import { ApiKeysRepo } from "../../../src/store/repos/api-keys-repo.js";
import { SqliteSql } from "../../../src/store/sql/index.js";
import { tempDir } from "../jobs/helpers.js";

const parley = (...argv: string[]) => runCliInProcess(argv);

/** Whether a key works against the data dir's database, as the API would check it. */
async function works(dir: string, key: string): Promise<boolean> {
  const db = openDatabase(join(dir, "parley.db"));
  try {
    return (await verifyApiKey(new ApiKeysRepo(new SqliteSql(db)), key)) !== null;
  } finally {
    db.close();
  }
}

describe("parley keys", () => {
  it("creates a key shown once, lists keys without secrets, and revokes", async () => {
    const { dir, cleanup } = tempDir("parley-keys-");
    try {
      const human = await parley("keys", "create", "--name", "ops", "--data-dir", dir);
      expect(human.code).toBe(0);
      expect(human.out).toMatch(
        /^Created API key [a-z0-9]{10} \(ops\):\n\n {2}pk_[a-z0-9]{10}_[A-Za-z0-9_-]{43}\n\nStore it now: it cannot be shown again/,
      );
      const created = await parley("keys", "create", "--data-dir", dir, "--json");
      const json = JSON.parse(created.out) as { id: string; name: string; key: string; note: string };
      expect(json).toMatchObject({ name: "default", note: expect.stringContaining("cannot be shown again") });
      expect(await works(dir, json.key)).toBe(true);

      const list = await parley("keys", "list", "--data-dir", dir, "--json");
      const keys = JSON.parse(list.out) as Array<Record<string, unknown>>;
      expect(keys.map((k) => k.name)).toEqual(["ops", "default"]);
      expect(list.out).not.toContain("pk_");
      expect(keys[0]).not.toHaveProperty("secretHash");
      const table = await parley("keys", "list", "--data-dir", dir);
      expect(table.out).toMatch(/^ID\s+NAME\s+CREATED\s+LAST USED\s+REVOKED\n/);

      const revoked = await parley("keys", "revoke", json.id, "--data-dir", dir);
      expect(revoked).toMatchObject({ code: 0, out: `revoked key ${json.id} (default)\n` });
      expect(await works(dir, json.key)).toBe(false);
      const again = await parley("keys", "revoke", json.id, "--data-dir", dir);
      expect(again.code).toBe(1);
      expect(again.err).toMatch(new RegExp(`^parley keys: key ${json.id} \\(default\\) was already revoked at `));
    } finally {
      cleanup();
    }
  });

  it("explains misuse with a one-line reason and a non-zero exit", async () => {
    const { dir, cleanup } = tempDir("parley-keys-");
    try {
      expect(await parley("keys", "--data-dir", dir)).toMatchObject({
        code: 2,
        err: "parley keys: say create, list or revoke; see parley keys --help\n",
      });
      expect(await parley("keys", "rotate", "--data-dir", dir)).toMatchObject({
        code: 2,
        err: "parley keys: unknown subcommand 'rotate'; use create, list or revoke\n",
      });
      expect(await parley("keys", "revoke", "--data-dir", dir)).toMatchObject({
        code: 2,
        err: "parley keys: say which key: parley keys revoke <id>\n",
      });
      expect(await parley("keys", "revoke", "nosuchkey0", "--data-dir", dir)).toMatchObject({
        code: 1,
        err: "parley keys: no API key with id 'nosuchkey0'; see parley keys list\n",
      });
      expect((await parley("keys", "list", "--name", "x", "--data-dir", dir)).code).toBe(2);
      expect((await parley("--help")).out).toMatch(/\n {2}keys +create, list and revoke API keys/);
    } finally {
      cleanup();
    }
  });
});
