/** A caller's words as a safe FTS5 query, and reciprocal rank fusion. */
import BetterSqlite3 from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { ftsQuery, queryTerms, reciprocalRankFusion, RRF_K } from "../../../src/knowledge/index.js";

describe("ftsQuery", () => {
  it("keeps the content words, lower-cased and once each, quoted and OR-ed", () => {
    expect(queryTerms("What are your OPENING hours on Saturday? Saturday!")).toEqual(["opening", "hours", "saturday"]);
    expect(ftsQuery("How much is a call-out?")).toBe('"much" OR "call" OR "out"');
    expect(ftsQuery("what is it?")).toBeNull();
    expect(queryTerms("Don't the café's prices")).toEqual(["don", "café", "prices"]);
  });

  it("never passes FTS5 syntax through: quotes, operators, column filters and stars are words or nothing", () => {
    const db = new BetterSqlite3(":memory:");
    db.exec("CREATE VIRTUAL TABLE f USING fts5(heading, text, tokenize='porter unicode61')");
    db.prepare("INSERT INTO f VALUES (?, ?)").run("Hours", "We are open near the station");
    for (const hostile of [
      '" OR *',
      "heading: NEAR(open station)",
      "open AND NOT) (",
      "text:* ^open",
      "'; DROP TABLE f; --",
    ]) {
      const match = ftsQuery(hostile);
      if (match === null) continue;
      expect(() => db.prepare("SELECT rowid FROM f WHERE f MATCH ?").all(match), hostile).not.toThrow();
    }
    expect(
      db.prepare("SELECT count(*) AS n FROM f WHERE f MATCH ?").get(ftsQuery("opening near the stations")!),
    ).toEqual({ n: 1 });
    db.close();
  });
});

describe("reciprocalRankFusion", () => {
  it("scores 1/(k + rank) per list and ranks agreement first", () => {
    const fused = reciprocalRankFusion([
      { name: "bm25", ids: [10, 20, 30] },
      { name: "vector", ids: [20, 40, 10] },
    ]);
    expect(fused.map((f) => f.id)).toEqual([20, 10, 40, 30]);
    expect(fused[0]).toEqual({ id: 20, score: 1 / (RRF_K + 2) + 1 / (RRF_K + 1), ranks: { bm25: 2, vector: 1 } });
    expect(fused.find((f) => f.id === 30)).toEqual({ id: 30, score: 1 / (RRF_K + 3), ranks: { bm25: 3 } });
  });

  it("with one list, keeps its order; with none, gives nothing", () => {
    expect(reciprocalRankFusion([{ name: "bm25", ids: [3, 1, 2] }]).map((f) => f.id)).toEqual([3, 1, 2]);
    expect(reciprocalRankFusion([])).toEqual([]);
  });
});
