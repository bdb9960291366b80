import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { AgentRegistry, type AgentChange } from "../../../src/agent/registry.js";
import { ManualClock } from "../../../src/lib/clock.js";
import { silentLogger } from "../../../src/lib/logger.js";
import { AgentsRepo } from "../../../src/store/repos/agents-repo.js";
import { createPostgresSql, type SqlStore } from "../../../src/store/sql/index.js";
import { postgresUnavailable, scratchSchema, testPostgresUrl } from "../../helpers/postgres.js";
import { repoRoot } from "../../helpers/paths.js";
import { storeEngines, type OpenedStore } from "../../helpers/sql-stores.js";

const opened: OpenedStore[] = [];
afterEach(async () => {
  for (const s of opened.splice(0)) await s.close();
});

const registry = (sql: SqlStore, clock = new ManualClock(1000)) =>
  new AgentRegistry(join(repoRoot, "agents"), "receptionist", new AgentsRepo(sql), clock, silentLogger());

describe.each(await storeEngines())("agents and their versions on $label", ({ skip, open }) => {
  async function store(): Promise<SqlStore> {
    const s = await open();
    opened.push(s);
    return s.sql;
  }

  it.skipIf(skip)("numbers each save's version, keeps who and when, and lists newest first", async () => {
    const repo = new AgentsRepo(await store());
    expect(await repo.save("sales", { name: "sales", systemPrompt: "one" }, 1000, { by: "key a" })).toBe(1);
    expect(await repo.save("sales", { name: "sales", systemPrompt: "two" }, 2000)).toBe(2);
    expect(await repo.save("sales", { name: "sales", systemPrompt: "one" }, 3000, { by: "op", restoredFrom: 1 })).toBe(
      3,
    );
    expect(await repo.save("other", { name: "other" }, 4000)).toBe(1);
    expect(await repo.all()).toEqual([
      { name: "other", definition: { name: "other" }, updatedAt: 4000 },
      { name: "sales", definition: { name: "sales", systemPrompt: "one" }, updatedAt: 3000 },
    ]);
    expect(await repo.versions("sales")).toEqual([
      { version: 3, savedBy: "op", savedAt: 3000, restoredFrom: 1 },
      { version: 2, savedBy: null, savedAt: 2000, restoredFrom: null },
      { version: 1, savedBy: "key a", savedAt: 1000, restoredFrom: null },
    ]);
    expect(await repo.version("sales", 2)).toEqual({
      version: 2,
      definition: { name: "sales", systemPrompt: "two" },
      savedBy: null,
      savedAt: 2000,
      restoredFrom: null,
    });
    expect(await repo.version("sales", 9)).toBeNull();
  });

  it.skipIf(skip)("deletes an agent with its history; a second delete finds nothing", async () => {
    const repo = new AgentsRepo(await store());
    await repo.save("sales", { name: "sales" }, 1000);
    await repo.save("sales", { name: "sales", x: 1 }, 2000);
    expect(await repo.delete("sales")).toBe(true);
    expect(await repo.all()).toEqual([]);
    expect(await repo.versions("sales")).toEqual([]);
    expect(await repo.delete("sales")).toBe(false);
    // A new agent of that name starts its history again.
    expect(await repo.save("sales", { name: "sales" }, 3000)).toBe(1);
  });

  it.skipIf(skip)("saves of one agent at the same time get distinct versions", async () => {
    const repo = new AgentsRepo(await store());
    const versions = await Promise.all(
      Array.from({ length: 5 }, (_, i) => repo.save("busy", { name: "busy", n: i }, 1000 + i)),
    );
    expect([...versions].sort()).toEqual([1, 2, 3, 4, 5]);
  });

  it.skipIf(skip)(
    "the registry reads stored agents at reload, saves through validation, and refuses file agents",
    async () => {
      const sql = await store();
      const first = registry(sql);
      expect(first.find("sales")).toBeNull();
      await first.reload();
      const saved = await first.save({ name: "sales", systemPrompt: "You sell.", language: "de" }, { by: "key t" });
      expect(saved.language).toBe("de");
      await expect(first.save({ name: "receptionist", systemPrompt: "x" })).rejects.toMatchObject({
        code: "agent_read_only",
      });
      await expect(first.save({ name: "bad name!", systemPrompt: "x" })).rejects.toMatchObject({
        code: "agent_invalid",
      });
      // What the next start (or another node) reads.
      const next = registry(sql);
      await next.reload();
      expect(next.find("sales")).toMatchObject({ source: "api", agent: { language: "de" } });
      expect((await next.versions("sales")).map((v) => v.savedBy)).toEqual(["key t"]);
      const restored = await next.restore("sales", 1, "op");
      expect(restored.systemPrompt).toBe("You sell.");
      expect((await next.versions("sales"))[0]).toMatchObject({ version: 2, restoredFrom: 1, savedBy: "op" });
      await next.delete("sales");
      await expect(next.delete("sales")).rejects.toMatchObject({ code: "agent_unknown" });
    },
  );

  it.skipIf(skip)(
    "reload tells the listeners what another process saved or deleted, and nothing when nothing changed",
    async () => {
      const sql = await store();
      const here = registry(sql);
      const there = registry(sql);
      await here.reload();
      await there.reload();
      const heard: Array<Pick<AgentChange, "name" | "origin"> & { saved: boolean }> = [];
      here.onChange((c) => heard.push({ name: c.name, origin: c.origin, saved: c.entry !== null }));
      await there.save({ name: "sales", systemPrompt: "You sell." });
      await here.reload();
      expect(here.find("sales")?.agent.systemPrompt).toBe("You sell.");
      await here.reload();
      await there.delete("sales");
      await here.reload();
      expect(here.find("sales")).toBeNull();
      expect(heard).toEqual([
        { name: "sales", origin: "store", saved: true },
        { name: "sales", origin: "store", saved: false },
      ]);
    },
  );
});

const pgSkip = await postgresUnavailable();

describe("agents shared by nodes (PostgreSQL)", () => {
  it.skipIf(pgSkip)("two nodes on one schema number the versions of one agent without a clash", async () => {
    const scratch = scratchSchema();
    const a = createPostgresSql({ url: testPostgresUrl, schema: scratch.schema, poolSize: 3 });
    const b = createPostgresSql({ url: testPostgresUrl, schema: scratch.schema, poolSize: 3 });
    try {
      const onA = new AgentsRepo(a);
      const onB = new AgentsRepo(b);
      const versions = await Promise.all(
        Array.from({ length: 6 }, (_, i) => (i % 2 ? onA : onB).save("shared", { name: "shared", n: i }, 1000 + i)),
      );
      expect([...versions].sort()).toEqual([1, 2, 3, 4, 5, 6]);
      expect((await onA.versions("shared")).length).toBe(6);
    } finally {
      await a.close();
      await b.close();
      await scratch.drop();
    }
  });
});
