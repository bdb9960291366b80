import { afterEach, describe, expect, it } from "vitest";
import { EventsRepo } from "../../../src/store/repos/events-repo.js";
import { createPostgresSql, type SqlStore } from "../../../src/store/sql/index.js";
import { waitFor } from "../jobs/helpers.js";
import { postgresUnavailable, queryIn, scratchSchema, testPostgresUrl } from "../../helpers/postgres.js";
import { storeEngines, type OpenedStore } from "../../helpers/sql-stores.js";

const opened: OpenedStore[] = [];
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const s of opened.splice(0)) await s.close();
  for (const c of cleanups.splice(0)) await c();
});

describe.each(await storeEngines())("the event log on $label", ({ skip, open }) => {
  async function store(): Promise<{ repo: EventsRepo; s: OpenedStore }> {
    const s = await open();
    opened.push(s);
    return { repo: new EventsRepo(s.sql), s };
  }

  it.skipIf(skip)("appends events and reads them back by id, after an id (paged) and by subject", async () => {
    const { repo } = await store();
    expect(await repo.latestId()).toBe(0);
    expect(await repo.since(0)).toEqual([]);
    const a = await repo.insert("voicemail.processed", "voicemail:1", { voicemailId: 1, summary: "Ünïcödé 📞" }, 1000);
    const b = await repo.insert("job.dead", null, { jobId: 9, kind: "x", error: "boom", attempts: 3 }, 2000);
    const c = await repo.insert("voicemail.updated", "voicemail:1", { voicemailId: 1, status: "handled" }, 3000);
    expect(a).toEqual({
      id: a.id,
      type: "voicemail.processed",
      subject: "voicemail:1",
      data: { voicemailId: 1, summary: "Ünïcödé 📞" },
      createdAt: 1000,
    });
    expect(typeof a.id).toBe("number");
    expect(b.id).toBeGreaterThan(a.id);
    expect(c.id).toBeGreaterThan(b.id);
    expect(await repo.get(b.id)).toEqual(b);
    expect(await repo.get(c.id + 100)).toBeNull();
    expect(await repo.latestId()).toBe(c.id);
    expect(await repo.since(0)).toEqual([a, b, c]);
    expect(await repo.since(a.id, 1)).toEqual([b]);
    expect(await repo.since(c.id)).toEqual([]);
    expect(await repo.bySubject("voicemail:1")).toEqual([a, c]);
    expect(await repo.bySubject("voicemail:2")).toEqual([]);
  });

  it.skipIf(skip)("stores null data as JSON null", async () => {
    const { repo } = await store();
    const e = await repo.insert("webhook.test", "webhook:1", undefined, 5);
    expect((await repo.get(e.id))?.data).toBeNull();
  });

  it.skipIf(skip)(
    "appends inside the caller's transaction: gone with its rollback, there after its commit",
    async () => {
      const { repo, s } = await store();
      await expect(
        s.sql.transaction(async (tx) => {
          await repo.insert("voicemail.processed", "voicemail:1", { voicemailId: 1 }, 1, tx);
          throw new Error("the results did not save");
        }),
      ).rejects.toThrow("the results did not save");
      expect(await repo.since(0)).toEqual([]);
      const kept = await s.sql.transaction((tx) => repo.insert("voicemail.processed", "voicemail:1", {}, 2, tx));
      expect(await repo.since(0)).toEqual([kept]);
    },
  );

  it.skipIf(skip)(
    "a reader following the log while two writers append at once reads every event once, in id order",
    async () => {
      const { repo, s } = await store();
      const writers = [repo, new EventsRepo(s.sql)];
      const per = 60;
      let writing = true;
      const read: number[] = [];
      const reader = (async () => {
        let cursor = 0;
        while (writing || (await repo.latestId()) > cursor) {
          for (const e of await repo.since(cursor, 25)) {
            read.push(e.id);
            cursor = e.id;
          }
          await new Promise((r) => setImmediate(r));
        }
      })();
      const written = await Promise.all(
        writers.map(async (w, n) => {
          const ids: number[] = [];
          for (let i = 0; i < per; i++) ids.push((await w.insert("voicemail.updated", `voicemail:${n}`, { i }, i)).id);
          return ids;
        }),
      );
      writing = false;
      await reader;
      expect(read).toEqual(written.flat().sort((x, y) => x - y));
    },
    120_000,
  );
});

/**
 * The hazard of a shared sequence: ids are handed out at insert and committed in any order, so a reader that saw
 * id N+1 and moved its cursor there would never read N committing after it. The append lock makes the second
 * writer wait for the first one's commit.
 */
const pgSkip = await postgresUnavailable();
describe.skipIf(pgSkip !== null)(
  `the event log shared by nodes on PostgreSQL${pgSkip ? ` (skipped: ${pgSkip})` : ""}`,
  () => {
    async function node(schema: string): Promise<SqlStore> {
      const sql = createPostgresSql({ url: testPostgresUrl, schema, poolSize: 2 });
      await sql.open();
      return sql;
    }

    it("a later append waits for an earlier one's commit, so a reader never passes an id that commits later", async () => {
      const scratch = scratchSchema();
      const [a, b] = [await node(scratch.schema), await node(scratch.schema)];
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      cleanups.push(async () => {
        release(); // a failed assertion must not leave the transaction open
        await a.close();
        await b.close();
        await scratch.drop();
      });
      const onA = new EventsRepo(a);
      const onB = new EventsRepo(b);
      let held!: () => void;
      const holding = new Promise<void>((r) => (held = r));
      // Node a appends inside a transaction that stays open (results still saving).
      const slow = a.transaction(async (tx) => {
        const e = await onA.insert("voicemail.processed", "voicemail:1", { voicemailId: 1 }, 1, tx);
        held();
        await gate;
        return e;
      });
      await holding;
      // Node b appends meanwhile: it must wait for the lock, not commit a larger id first.
      const fast = onB.insert("voicemail.updated", "voicemail:2", { voicemailId: 2 }, 2);
      await waitFor(
        async () =>
          (
            await queryIn<{ n: number }>(
              scratch.schema,
              "SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event = 'advisory' AND query LIKE '%parley.events%'",
            )
          )[0]!.n > 0,
        "node b's append waits for the lock",
        30_000,
      );
      expect(await onB.since(0)).toEqual([]);
      release();
      const [first, second] = [await slow, await fast];
      expect(second.id).toBeGreaterThan(first.id);
      expect((await onB.since(0)).map((e) => e.id)).toEqual([first.id, second.id]);
    }, 120_000);
  },
);
