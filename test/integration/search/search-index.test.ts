import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Database } from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { openDatabase } from "../../../src/store/database.js";
import { CallsRepo } from "../../../src/store/repos/calls-repo.js";
import {
  SearchRepo,
  SearchSyntaxError,
  toMatchQuery,
  MATCH_END,
  MATCH_START,
} from "../../../src/store/repos/search-repo.js";
import { VoicemailsRepo } from "../../../src/store/repos/voicemails-repo.js";
import { SqliteSql } from "../../../src/store/sql/index.js";
import { scratchDir } from "../../helpers/scratch.js";
import { seedCall, seedVoicemail } from "../../helpers/search-seed.js";
import { storeEngines, type OpenedStore } from "../../helpers/sql-stores.js";

/** FTS5's own check of an external-content index against its content table (rank 1: compare with the content). */
function indexAgrees(db: Database, table: "voicemails_fts" | "calls_fts"): void {
  db.prepare(`INSERT INTO ${table} (${table}, rank) VALUES ('integrity-check', 1)`).run();
}

const ids = (hits: { id: number }[]) => hits.map((h) => h.id);
const page = { limit: 10, offset: 0 };

const opened: OpenedStore[] = [];
afterEach(async () => {
  for (const s of opened.splice(0)) await s.close();
});

describe.each(await storeEngines())("search on $label", ({ engine, skip, open }) => {
  async function store() {
    const s = await open();
    opened.push(s);
    // SQLite: FTS5 checks its index against the rows after each change; PostgreSQL's tsvector has no such check.
    const agrees = (table: "voicemails_fts" | "calls_fts") => engine === "sqlite" && indexAgrees(s.db, table);
    return { sql: s.sql, search: new SearchRepo(s.sql), agrees };
  }

  it.skipIf(skip)("keeps the voicemail index in step on insert, update and delete", async () => {
    const { sql, search, agrees } = await store();
    const repo = new VoicemailsRepo(sql);
    const a = await seedVoicemail(sql, {
      transcript: "The boiler in flat nine is leaking water",
      summary: "Boiler leak",
    });
    const b = await seedVoicemail(sql, { transcript: "Please call me about the invoice", summary: null });
    agrees("voicemails_fts");
    expect(ids(await search.search("boiler", page))).toEqual([a]);
    expect(ids(await search.search("invoices", page))).toEqual([b]); // stemming

    await sql.run("UPDATE voicemails SET transcript = 'Nothing about heating here' WHERE id = ?", [a]);
    agrees("voicemails_fts");
    // The summary still says "Boiler leak"; the transcript's words are gone.
    expect(ids(await search.search("flat OR nine", page))).toEqual([]);
    expect(ids(await search.search("heating", page))).toEqual([a]);
    expect(ids(await search.search("boiler", page))).toEqual([a]);

    // A status change touches neither column and leaves the index alone.
    await repo.setStatus(a, "handled", Date.now());
    agrees("voicemails_fts");
    await repo.delete(a);
    agrees("voicemails_fts");
    expect(ids(await search.search("heating OR boiler", page))).toEqual([]);
    expect(ids(await search.search("invoice", page))).toEqual([b]);
  });

  it.skipIf(skip)(
    "indexes a call's turns and summary text, and follows turns added, replaced and deleted",
    async () => {
      const { sql, search, agrees } = await store();
      const calls = new CallsRepo(sql);
      const id = await seedCall(sql, ["Hello, I would like to book a table", "For how many people?"]);
      agrees("calls_fts");
      const callPage = { kind: "call" as const, ...page };
      expect(ids(await search.search("table", callPage))).toEqual([id]);

      // A later turn, and a turn written again (the repo's upsert) re-index the call.
      await calls.turn(id, { index: 2, role: "user", text: "Four people at eight", at: Date.now() });
      await calls.turn(id, {
        index: 0,
        role: "user",
        text: "Hello, I would like to cancel a reservation",
        at: Date.now(),
      });
      agrees("calls_fts");
      expect(ids(await search.search("table", callPage))).toEqual([]);
      expect(ids(await search.search("cancel AND eight", callPage))).toEqual([id]);

      // The summary's text fields are indexed, its keys and token usage are not.
      await calls.setSummary(id, { summary: "reservation cancelled", tags: ["dinner"], usage: { model: "tinyllama" } });
      agrees("calls_fts");
      expect(ids(await search.search("cancelled AND dinner", callPage))).toEqual([id]);
      expect(ids(await search.search("usage OR tinyllama", callPage))).toEqual([]);

      await sql.run("DELETE FROM call_turns WHERE call_id = ? AND idx = 2", [id]);
      agrees("calls_fts");
      expect(ids(await search.search("eight", callPage))).toEqual([]);
      // The summary is still there after the turns changed.
      expect(ids(await search.search("dinner", callPage))).toEqual([id]);

      // Deleting the call (its turns go by cascade) leaves nothing behind.
      const other = await seedCall(sql, ["I want to cancel my order"]);
      await sql.run("DELETE FROM calls WHERE id = ?", [id]);
      agrees("calls_fts");
      expect(ids(await search.search("cancel", callPage))).toEqual([other]);
    },
  );

  it.skipIf(skip)("ranks the closer match first, marks the match in the snippet, and pages", async () => {
    const { sql, search } = await store();
    const once = await seedVoicemail(sql, {
      transcript: "A long message about many things, one of them a refund, and the weather",
      summary: null,
    });
    const twice = await seedVoicemail(sql, { transcript: "Refund please, refund", summary: "Refund request" });
    const hits = await search.search("refund", { kind: "voicemail", ...page });
    expect(ids(hits)).toEqual([twice, once]);
    expect(hits[0]!.rank).toBeLessThan(hits[1]!.rank);
    expect(hits[1]!.snippet).toContain(`${MATCH_START}refund${MATCH_END}`);
    expect(ids(await search.search("refund", { kind: "voicemail", limit: 1, offset: 1 }))).toEqual([once]);
    // Both kinds in one list, each hit saying what it is.
    const call = await seedCall(sql, ["I am calling about my refund"]);
    const all = await search.search("refund", page);
    expect(all.map((h) => [h.kind, h.id]).sort()).toEqual(
      [
        ["call", call],
        ["voicemail", once],
        ["voicemail", twice],
      ].sort(),
    );
    expect(all.find((h) => h.kind === "voicemail")).toMatchObject({ party: "+15550100", state: "processed" });
  });

  it.skipIf(skip)(
    "turns a query it cannot read into a SearchSyntaxError, and reads punctuation as the text does",
    async () => {
      const { sql, search } = await store();
      const id = await seedVoicemail(sql, { transcript: "I can't reach the e-mail server", summary: null });
      for (const bad of ['"unclosed', "boiler AND", "(heating", "OR", "heating)"])
        await expect(search.search(toMatchQuery(bad), { limit: 5, offset: 0 }), bad).rejects.toThrow(SearchSyntaxError);
      const find = async (q: string) => ids(await search.search(toMatchQuery(q), { limit: 5, offset: 0 }));
      expect(await find("can't")).toEqual([id]);
      expect(await find("e-mail")).toEqual([id]);
      expect(await find("transcript:server")).toEqual([]);
      expect(await find('"mail server"')).toEqual([id]);
      expect(await find('"server mail"')).toEqual([]);
      expect(await find("serv*")).toEqual([id]);
      expect(await find("reach NOT server")).toEqual([]);
      expect(await find("(nothing OR reach) AND server")).toEqual([id]);
    },
  );
});

describe("search index on SQLite (migration 022)", () => {
  it("fills the index from rows stored before the migration", async () => {
    const dir = scratchDir("search-backfill");
    const db = openDatabase(join(dir, "parley.db"));
    const vm = await seedVoicemail(new SqliteSql(db), { transcript: "The gate code is broken", summary: "Gate" });
    const call = await seedCall(new SqliteSql(db), ["The parcel never arrived"]);
    // Forget the index, as a database from before 022 had none, and run 022 again (later migrations exist too,
    // so it is run by itself rather than by rewinding schema_migrations).
    const triggers = db.prepare("SELECT name FROM sqlite_schema WHERE type = 'trigger' AND name LIKE '%fts%'").all();
    for (const t of triggers as { name: string }[])
      if (!t.name.startsWith("knowledge")) db.exec(`DROP TRIGGER ${t.name}`);
    db.exec(`DROP TABLE voicemails_fts; DROP TABLE calls_fts; DROP VIEW calls_search_text; DROP INDEX call_turns_at;`);
    db.exec(readFileSync(new URL("../../../src/store/migrations/022_search.sql", import.meta.url), "utf8"));
    db.close();
    const again = openDatabase(join(dir, "parley.db"));
    const search = new SearchRepo(new SqliteSql(again));
    indexAgrees(again, "voicemails_fts");
    indexAgrees(again, "calls_fts");
    expect((await search.search("gate OR parcel", page)).map((h) => [h.kind, h.id])).toEqual(
      expect.arrayContaining([
        ["voicemail", vm],
        ["call", call],
      ]),
    );
    again.close();
  });
});
