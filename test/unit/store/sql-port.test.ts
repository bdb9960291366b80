import { afterEach, describe, expect, it } from "vitest";
import { numberPlaceholders } from "../../../src/store/sql/index.js";
import { createPostgresSql, postgresStoreMigrations } from "../../../src/store/sql/index.js";
import { StoreError } from "../../../src/store/index.js";
import { storeEngines, type OpenedStore } from "../../helpers/sql-stores.js";
import { postgresUnavailable, queryIn, scratchSchema, testPostgresUrl } from "../../helpers/postgres.js";

describe("numberPlaceholders", () => {
  it("numbers ? in order and leaves quoted strings, identifiers and comments alone", () => {
    expect(numberPlaceholders("SELECT * FROM t WHERE a = ? AND b = ?")).toBe("SELECT * FROM t WHERE a = $1 AND b = $2");
    expect(numberPlaceholders("SELECT '?', 'it''s ?', \"?\" FROM t WHERE x = ?")).toBe(
      "SELECT '?', 'it''s ?', \"?\" FROM t WHERE x = $1",
    );
    expect(numberPlaceholders("SELECT 1 -- why?\nWHERE a = ? /* or ? */ AND b = ?")).toBe(
      "SELECT 1 -- why?\nWHERE a = $1 /* or ? */ AND b = $2",
    );
  });
});

const opened: OpenedStore[] = [];
afterEach(async () => {
  for (const s of opened.splice(0)) await s.close();
});

describe.each(await storeEngines())("the SQL port on $label", ({ skip, open }) => {
  async function store(): Promise<OpenedStore> {
    const s = await open();
    opened.push(s);
    return s;
  }

  it.skipIf(skip)("runs, reads and counts changes with ? parameters; BIGINT times come back as numbers", async () => {
    const { sql } = await store();
    const now = 1_767_225_600_123; // beyond 2^32: a real ms timestamp
    expect(
      (
        await sql.run("INSERT INTO api_keys (id, name, secret_hash, created_at) VALUES (?, ?, ?, ?)", [
          "a",
          "one",
          "h",
          now,
        ])
      ).changes,
    ).toBe(1);
    await sql.run("INSERT INTO api_keys (id, name, secret_hash, created_at) VALUES (?, ?, ?, ?)", [
      "b",
      "two?",
      "h",
      now + 1,
    ]);
    const row = await sql.get<{ name: string; created_at: number; revoked_at: number | null }>(
      "SELECT name, created_at, revoked_at FROM api_keys WHERE id = ?",
      ["a"],
    );
    expect(row).toEqual({ name: "one", created_at: now, revoked_at: null });
    expect(await sql.get("SELECT * FROM api_keys WHERE id = ?", ["nope"])).toBeNull();
    const names = await sql.all<{ name: string }>("SELECT name FROM api_keys ORDER BY created_at");
    expect(names.map((r) => r.name)).toEqual(["one", "two?"]);
    const count = await sql.get<{ n: number }>("SELECT count(*) AS n FROM api_keys WHERE name <> '?'");
    expect(count?.n).toBe(2);
    expect((await sql.run("UPDATE api_keys SET revoked_at = ? WHERE revoked_at IS NULL", [now])).changes).toBe(2);
  });

  it.skipIf(skip)("commits a transaction as a whole, and rolls it back as a whole when it throws", async () => {
    const { sql } = await store();
    const insert = "INSERT INTO api_keys (id, name, secret_hash, created_at) VALUES (?, ?, ?, ?)";
    const v = await sql.transaction(async (tx) => {
      await tx.run(insert, ["a", "one", "h", 1]);
      await tx.run(insert, ["b", "two", "h", 2]);
      return (await tx.get<{ n: number }>("SELECT count(*) AS n FROM api_keys"))?.n;
    });
    expect(v).toBe(2);
    await expect(
      sql.transaction(async (tx) => {
        await tx.run(insert, ["c", "three", "h", 3]);
        await tx.run(insert, ["a", "duplicate id", "h", 4]);
      }),
    ).rejects.toThrow();
    const ids = await sql.all<{ id: string }>("SELECT id FROM api_keys ORDER BY id");
    expect(ids.map((r) => r.id)).toEqual(["a", "b"]);
  });

  it.skipIf(skip)("keeps statements from outside a transaction out of it", async () => {
    const { sql } = await store();
    const insert = "INSERT INTO api_keys (id, name, secret_hash, created_at) VALUES (?, ?, ?, ?)";
    let release!: () => void;
    const hold = new Promise<void>((r) => (release = r));
    const tx = sql.transaction(async (t) => {
      await t.run(insert, ["in", "inside", "h", 1]);
      await hold;
      throw new Error("rolled back on purpose");
    });
    // Started while the transaction is open; it must not be rolled back with it.
    const outside = sql.run(insert, ["out", "outside", "h", 2]);
    await new Promise((r) => setTimeout(r, 50));
    release();
    await expect(tx).rejects.toThrow("rolled back on purpose");
    await outside;
    const ids = await sql.all<{ id: string }>("SELECT id FROM api_keys ORDER BY id");
    expect(ids.map((r) => r.id)).toEqual(["out"]);
  });

  it.skipIf(skip)("refuses what its schema refuses (JSON definitions)", async () => {
    const { sql } = await store();
    await expect(
      sql.run("INSERT INTO agents (name, definition, created_at, updated_at) VALUES (?, ?, ?, ?)", [
        "a",
        "{not json",
        1,
        1,
      ]),
    ).rejects.toThrow();
    expect(await sql.all("SELECT * FROM agents")).toEqual([]);
  });
});

const pgSkip = await postgresUnavailable();

describe("the PostgreSQL store's migrations", () => {
  it.skipIf(pgSkip)("apply once when two nodes open the same schema together", async () => {
    const scratch = scratchSchema();
    const a = createPostgresSql({ url: testPostgresUrl, schema: scratch.schema, poolSize: 2 });
    const b = createPostgresSql({ url: testPostgresUrl, schema: scratch.schema, poolSize: 2 });
    try {
      await Promise.all([a.open(), b.open()]);
      const applied = await queryIn<{ name: string }>(scratch.schema, "SELECT name FROM store_migrations");
      // Each file once, in order (every branch that adds one keeps this true).
      const names = postgresStoreMigrations().map((m) => m.name);
      expect(names[0]).toBe("001_identity.sql");
      expect(applied.map((r) => r.name)).toEqual(names);
    } finally {
      await a.close();
      await b.close();
      await scratch.drop();
    }
  });

  it.skipIf(pgSkip)("refuses a schema migrated by a newer build, naming where", async () => {
    const scratch = scratchSchema();
    const first = createPostgresSql({ url: testPostgresUrl, schema: scratch.schema, poolSize: 1 });
    await first.open();
    await first.close();
    await queryIn(scratch.schema, "INSERT INTO store_migrations VALUES (99, '099_future.sql', 'x', 0)");
    const again = createPostgresSql({ url: testPostgresUrl, schema: scratch.schema, poolSize: 1 });
    try {
      const err = await again.open().then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(StoreError);
      expect((err as StoreError).message).toContain(scratch.schema);
      // Every statement fails the same way; nothing hangs.
      await expect(again.all("SELECT 1")).rejects.toThrow(StoreError);
    } finally {
      await again.close();
      await scratch.drop();
    }
  });

  it("a store URL that does not answer fails open() with the reason, the password hidden", async () => {
    const s = createPostgresSql({ url: "postgres://u:secret@127.0.0.1:1/none", schema: "public", poolSize: 1 });
    try {
      const err = (await s.open().then(
        () => null,
        (e: unknown) => e,
      )) as Error | null;
      expect(err).toBeInstanceOf(StoreError);
      expect(err?.message).toMatch(/cannot use the store at postgres:\/\/u:\*\*\*@127\.0\.0\.1:1\/none/);
      expect(err?.message).not.toContain("secret");
    } finally {
      await s.close();
    }
  });
});
