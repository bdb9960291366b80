import { afterEach, describe, expect, it } from "vitest";
import { createApiKey, verifyApiKey } from "../../../src/api/auth/api-keys.js";
import { ManualClock } from "../../../src/lib/clock.js";
import { ApiKeysRepo } from "../../../src/store/repos/api-keys-repo.js";
import { createPostgresSql } from "../../../src/store/sql/index.js";
import { postgresUnavailable, scratchSchema, testPostgresUrl } from "../../helpers/postgres.js";
import { storeEngines, type OpenedStore } from "../../helpers/sql-stores.js";

const opened: OpenedStore[] = [];
afterEach(async () => {
  for (const s of opened.splice(0)) await s.close();
});

describe.each(await storeEngines())("API keys on $label", ({ skip, open }) => {
  async function repo(): Promise<ApiKeysRepo> {
    const s = await open();
    opened.push(s);
    return new ApiKeysRepo(s.sql);
  }

  it.skipIf(skip)("stores a key's hash, lists keys oldest first, touches and revokes once", async () => {
    const keys = await repo();
    await keys.insert("k2", "second", "hash2", 2000);
    await keys.insert("k1", "first", "hash1", 1000);
    expect(await keys.get("k1")).toEqual({
      id: "k1",
      name: "first",
      secretHash: "hash1",
      createdAt: 1000,
      lastUsedAt: null,
      revokedAt: null,
    });
    expect(await keys.get("nope")).toBeNull();
    expect((await keys.list()).map((k) => k.id)).toEqual(["k1", "k2"]);
    await keys.touch("k1", 5000);
    expect((await keys.get("k1"))?.lastUsedAt).toBe(5000);
    expect(await keys.revoke("k1", 6000)).toBe(true);
    expect(await keys.revoke("k1", 7000)).toBe(false);
    expect((await keys.get("k1"))?.revokedAt).toBe(6000);
    expect(await keys.revoke("nope", 7000)).toBe(false);
  });

  it.skipIf(skip)("refuses a second key with the same id and keeps the first", async () => {
    const keys = await repo();
    await keys.insert("k1", "first", "hash1", 1000);
    await expect(keys.insert("k1", "again", "hash2", 2000)).rejects.toThrow();
    expect((await keys.get("k1"))?.name).toBe("first");
  });

  it.skipIf(skip)("a created key verifies; a wrong secret, a malformed key and a revoked key do not", async () => {
    const keys = await repo();
    const made = await createApiKey(keys, "ops", new ManualClock(1_767_225_600_000));
    expect((await verifyApiKey(keys, made.key))?.id).toBe(made.id);
    expect(await verifyApiKey(keys, `${made.key.slice(0, -1)}${made.key.endsWith("A") ? "B" : "A"}`)).toBeNull();
    expect(await verifyApiKey(keys, "pk_nonsense")).toBeNull();
    await keys.revoke(made.id, 1_767_225_600_001);
    expect(await verifyApiKey(keys, made.key)).toBeNull();
  });
});

const pgSkip = await postgresUnavailable();

describe("API keys shared by nodes (PostgreSQL)", () => {
  it.skipIf(pgSkip)("a key made on one node works on another, and a revocation there stops it here", async () => {
    const scratch = scratchSchema();
    const a = createPostgresSql({ url: testPostgresUrl, schema: scratch.schema, poolSize: 2 });
    const b = createPostgresSql({ url: testPostgresUrl, schema: scratch.schema, poolSize: 2 });
    try {
      const onA = new ApiKeysRepo(a);
      const onB = new ApiKeysRepo(b);
      const made = await createApiKey(onA, "shared", new ManualClock(1000));
      expect((await verifyApiKey(onB, made.key))?.name).toBe("shared");
      await onB.revoke(made.id, 2000);
      expect(await verifyApiKey(onA, made.key)).toBeNull();
    } finally {
      await a.close();
      await b.close();
      await scratch.drop();
    }
  });
});
