import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Database } from "better-sqlite3";
import { describe, expect, it } from "vitest";
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
import { scratchDir } from "../../helpers/scratch.js";
import { seedCall, seedVoicemail } from "../../helpers/search-seed.js";

/** FTS5's own check of an external-content index against its content table (rank 1: compare with the content). */
function indexAgrees(db: Database, table: "voicemails_fts" | "calls_fts"): void {
  db.prepare(`INSERT INTO ${table} (${table}, rank) VALUES ('integrity-check', 1)`).run();
}

const ids = (hits: { id: number }[]) => hits.map((h) => h.id);

describe("search index (migration 022)", () => {
  it("keeps the voicemail index in step on insert, update and delete", () => {
    const db = openDatabase(join(scratchDir("search-vm"), "parley.db"));
    const search = new SearchRepo(db);
    const repo = new VoicemailsRepo(db);
    const a = seedVoicemail(db, { transcript: "The boiler in flat nine is leaking water", summary: "Boiler leak" });
    const b = seedVoicemail(db, { transcript: "Please call me about the invoice", summary: null });
    indexAgrees(db, "voicemails_fts");
    expect(ids(search.search("boiler", { limit: 10, offset: 0 }))).toEqual([a]);
    expect(ids(search.search("invoices", { limit: 10, offset: 0 }))).toEqual([b]); // porter stemming

    db.prepare("UPDATE voicemails SET transcript = 'Nothing about heating here' WHERE id = ?").run(a);
    indexAgrees(db, "voicemails_fts");
    // The summary still says "Boiler leak"; the transcript's words are gone.
    expect(ids(search.search("flat OR nine", { limit: 10, offset: 0 }))).toEqual([]);
    expect(ids(search.search("heating", { limit: 10, offset: 0 }))).toEqual([a]);
    expect(ids(search.search("boiler", { limit: 10, offset: 0 }))).toEqual([a]);

    // A status change touches neither column and leaves the index alone.
    repo.setStatus(a, "handled", Date.now());
    indexAgrees(db, "voicemails_fts");
    repo.delete(a);
    indexAgrees(db, "voicemails_fts");
    expect(ids(search.search("heating OR boiler", { limit: 10, offset: 0 }))).toEqual([]);
    expect(ids(search.search("invoice", { limit: 10, offset: 0 }))).toEqual([b]);
    db.close();
  });

  it("indexes a call's turns and summary text, and follows turns added, replaced and deleted", () => {
    const db = openDatabase(join(scratchDir("search-call"), "parley.db"));
    const search = new SearchRepo(db);
    const calls = new CallsRepo(db);
    const id = seedCall(db, ["Hello, I would like to book a table", "For how many people?"]);
    indexAgrees(db, "calls_fts");
    expect(ids(search.search("table", { kind: "call", limit: 10, offset: 0 }))).toEqual([id]);

    // A later turn, and a turn written again (the repo's INSERT OR REPLACE) re-index the call.
    calls.turn(id, { index: 2, role: "user", text: "Four people at eight", at: Date.now() });
    calls.turn(id, { index: 0, role: "user", text: "Hello, I would like to cancel a reservation", at: Date.now() });
    indexAgrees(db, "calls_fts");
    expect(ids(search.search("table", { kind: "call", limit: 10, offset: 0 }))).toEqual([]);
    expect(ids(search.search("cancel AND eight", { kind: "call", limit: 10, offset: 0 }))).toEqual([id]);

    // The summary's text fields are indexed, its keys and token usage are not.
    calls.setSummary(id, { summary: "reservation cancelled", tags: ["dinner"], usage: { model: "tinyllama" } });
    indexAgrees(db, "calls_fts");
    expect(ids(search.search("cancelled AND dinner", { kind: "call", limit: 10, offset: 0 }))).toEqual([id]);
    expect(ids(search.search("usage OR tinyllama", { kind: "call", limit: 10, offset: 0 }))).toEqual([]);

    db.prepare("DELETE FROM call_turns WHERE call_id = ? AND idx = 2").run(id);
    indexAgrees(db, "calls_fts");
    expect(ids(search.search("eight", { kind: "call", limit: 10, offset: 0 }))).toEqual([]);

    // Deleting the call (its turns go by cascade) leaves nothing behind.
    const other = seedCall(db, ["I want to cancel my order"]);
    db.prepare("DELETE FROM calls WHERE id = ?").run(id);
    indexAgrees(db, "calls_fts");
    expect(ids(search.search("cancel", { kind: "call", limit: 10, offset: 0 }))).toEqual([other]);
    db.close();
  });

  it("fills the index from rows stored before the migration", () => {
    const dir = scratchDir("search-backfill");
    const db = openDatabase(join(dir, "parley.db"));
    const vm = seedVoicemail(db, { transcript: "The gate code is broken", summary: "Gate" });
    const call = seedCall(db, ["The parcel never arrived"]);
    // Forget the index, as a database from before 022 had none, and run 022 again (later migrations exist too,
    // so it is run by itself rather than by rewinding schema_migrations).
    const triggers = db.prepare("SELECT name FROM sqlite_schema WHERE type = 'trigger' AND name LIKE '%fts%'").all();
    for (const t of triggers as { name: string }[])
      if (!t.name.startsWith("knowledge")) db.exec(`DROP TRIGGER ${t.name}`);
    db.exec(`DROP TABLE voicemails_fts; DROP TABLE calls_fts; DROP VIEW calls_search_text; DROP INDEX call_turns_at;`);
    db.exec(readFileSync(new URL("../../../src/store/migrations/022_search.sql", import.meta.url), "utf8"));
    db.close();
    const again = openDatabase(join(dir, "parley.db"));
    const search = new SearchRepo(again);
    indexAgrees(again, "voicemails_fts");
    indexAgrees(again, "calls_fts");
    expect(search.search("gate OR parcel", { limit: 10, offset: 0 }).map((h) => [h.kind, h.id])).toEqual(
      expect.arrayContaining([
        ["voicemail", vm],
        ["call", call],
      ]),
    );
    again.close();
  });

  it("ranks the closer match first, marks the match in the snippet, and pages", () => {
    const db = openDatabase(join(scratchDir("search-rank"), "parley.db"));
    const search = new SearchRepo(db);
    const once = seedVoicemail(db, {
      transcript: "A long message about many things, one of them a refund, and the weather",
      summary: null,
    });
    const twice = seedVoicemail(db, { transcript: "Refund please, refund", summary: "Refund request" });
    const hits = search.search("refund", { kind: "voicemail", limit: 10, offset: 0 });
    expect(ids(hits)).toEqual([twice, once]);
    expect(hits[1]!.snippet).toContain(`${MATCH_START}refund${MATCH_END}`);
    expect(ids(search.search("refund", { kind: "voicemail", limit: 1, offset: 1 }))).toEqual([once]);
    db.close();
  });

  it("turns a query FTS5 cannot read into a SearchSyntaxError, and reads punctuation as the text does", () => {
    const db = openDatabase(join(scratchDir("search-syntax"), "parley.db"));
    const search = new SearchRepo(db);
    const id = seedVoicemail(db, { transcript: "I can't reach the e-mail server", summary: null });
    for (const bad of ['"unclosed', "boiler AND", "(heating", "OR"])
      expect(() => search.search(toMatchQuery(bad), { limit: 5, offset: 0 }), bad).toThrow(SearchSyntaxError);
    expect(ids(search.search(toMatchQuery("can't"), { limit: 5, offset: 0 }))).toEqual([id]);
    expect(ids(search.search(toMatchQuery("e-mail"), { limit: 5, offset: 0 }))).toEqual([id]);
    expect(ids(search.search(toMatchQuery("transcript:server"), { limit: 5, offset: 0 }))).toEqual([]);
    expect(ids(search.search(toMatchQuery('"mail server"'), { limit: 5, offset: 0 }))).toEqual([id]);
    expect(ids(search.search(toMatchQuery("serv*"), { limit: 5, offset: 0 }))).toEqual([id]);
    db.close();
  });
});
