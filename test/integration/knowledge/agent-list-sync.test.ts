import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../helpers/app.js";
import { waitFor } from "../jobs/helpers.js";

/**
 * Issue 16, knowledge: an agent created or changed through the API gets its
 * `knowledge:` list indexed when it is saved (not at the next start), and a
 * path taken out of the list deletes that document with its chunks, full-text
 * entries and vectors, in one transaction. Other documents (uploads) stay.
 */
describe("an API agent's knowledge list, kept in step when the agent is saved", () => {
  let dir: string;
  let t: TestApp;
  const FAQ = "# Hours\n\n## When are you open?\n\nWeekdays from 8 to 18.\n";
  const PRICES = "# Prices\n\n## How much is a cleaning?\n\nA cleaning costs 85 euros, xylophonic.\n";
  const NOTES = "# Notes\n\n## Is there parking?\n\nParking is behind the building.\n";

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "parley-agent-list-"));
    const agents = join(dir, "agents");
    mkdirSync(agents);
    writeFileSync(join(agents, "faq.md"), FAQ);
    writeFileSync(join(agents, "prices.md"), PRICES);
    t = await createTestApp({ config: { agents: { dir: agents } } });
  }, 120_000);
  afterAll(async () => {
    await t?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const json = (method: string, body: unknown) => ({
    method,
    body: JSON.stringify(body),
    headers: { "content-type": "application/json" },
  });
  const docs = async () => (await t.services.knowledge.listDocuments("desk")).map((d) => d.name);
  // Through the store (the node's SQLite file, or PostgreSQL with PARLEY_TEST_STORE=postgres).
  const count = async (sql: string, ...args: number[]) =>
    Number((await t.services.sql.get<{ n: number }>(sql, args))!.n);

  it("indexes the listed files when the agent is created through the API", async () => {
    const res = await t.request(
      "/v1/agents",
      json("POST", { name: "desk", systemPrompt: "You answer questions.", knowledge: ["faq.md", "prices.md"] }),
    );
    expect(res.status, await res.clone().text()).toBe(201);
    await waitFor(async () => (await docs()).length === 2, "the listed documents indexed", 60_000);
    expect(await docs()).toEqual(["faq.md", "prices.md"]);
    // An upload beside them, which no list may delete.
    const up = await t.request("/v1/agents/desk/knowledge?name=notes.md", {
      method: "POST",
      body: NOTES,
      headers: { "content-type": "text/markdown" },
    });
    expect(up.status).toBe(201);
    expect((await t.services.knowledge.search("desk", "cleaning xylophonic")).hits[0]?.documentName).toBe("prices.md");
  });

  it("a path taken out of the list deletes that document and its chunks; the upload stays", async () => {
    const prices = (await t.services.knowledge.getDocument("desk", "prices.md"))!;
    expect(prices.chunks.length).toBeGreaterThan(0);
    const res = await t.request(
      "/v1/agents/desk",
      json("PUT", { systemPrompt: "You answer questions.", knowledge: ["faq.md"] }),
    );
    expect(res.status, await res.clone().text()).toBe(200);
    await waitFor(async () => !(await docs()).includes("prices.md"), "prices.md removed", 60_000);
    expect(await docs()).toEqual(["faq.md", "notes.md"]);
    const id = prices.document.id;
    expect(await count("SELECT count(*) AS n FROM knowledge_chunks WHERE document_id = ?", id)).toBe(0);
    expect(
      await count(
        "SELECT count(*) AS n FROM knowledge_vectors WHERE chunk_id IN (" +
          prices.chunks.map((c) => c.id).join(",") +
          ")",
      ),
    ).toBe(0);
    const fullText =
      t.services.sql.dialect === "sqlite"
        ? "SELECT count(*) AS n FROM knowledge_fts WHERE knowledge_fts MATCH 'xylophonic'"
        : "SELECT count(*) AS n FROM knowledge_chunks WHERE search @@ to_tsquery('parley_search', 'xylophonic')";
    expect(await count(fullText)).toBe(0);
    expect((await t.services.knowledge.search("desk", "cleaning xylophonic")).hits).toEqual([]);
  });

  it("a changed listed file is indexed again on the next save; deleting the agent deletes its listed documents", async () => {
    writeFileSync(join(dir, "agents", "faq.md"), FAQ.replace("8 to 18", "7 to 19"));
    await t.request("/v1/agents/desk", json("PUT", { systemPrompt: "You answer briefly.", knowledge: ["faq.md"] }));
    await waitFor(
      async () => (await t.services.knowledge.getDocument("desk", "faq.md"))?.document.version === 2,
      "faq.md version 2",
      60_000,
    );
    const del = await t.request("/v1/agents/desk", { method: "DELETE" });
    expect(del.status).toBe(204);
    await waitFor(async () => (await docs()).length === 1, "the listed documents removed", 60_000);
    expect(await docs()).toEqual(["notes.md"]);
  });

  it("removal is all or nothing: a delete that fails half-way leaves every document and chunk in place", async () => {
    const kb = t.services.knowledge;
    const sql = t.services.sql;
    for (const name of ["a.txt", "b.txt"]) {
      await sql.run(
        "INSERT INTO knowledge_documents (agent, name, format, sha256, bytes, chars, chunk_count, created_at, updated_at) VALUES ('atomic', ?, 'text', ?, 1, 1, 1, 0, 0)",
        [name, name[0]!.repeat(64)],
      );
      await sql.run(
        "INSERT INTO knowledge_chunks (document_id, agent, position, heading, text) SELECT id, agent, 0, '', 'chunk of ' || name FROM knowledge_documents WHERE agent = 'atomic' AND name = ?",
        [name],
      );
    }
    // The second document's deletion fails (as a full disk or a crash would): the first must come back too.
    const [refuse, allow] =
      sql.dialect === "sqlite"
        ? [
            [
              "CREATE TEMP TRIGGER refuse_b BEFORE DELETE ON knowledge_documents WHEN old.name = 'b.txt' BEGIN SELECT RAISE(ABORT, 'refused'); END",
            ],
            ["DROP TRIGGER temp.refuse_b"],
          ]
        : [
            [
              "CREATE FUNCTION refuse_b() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'refused'; END $$",
              "CREATE TRIGGER refuse_b BEFORE DELETE ON knowledge_documents FOR EACH ROW WHEN (old.name = 'b.txt') EXECUTE FUNCTION refuse_b()",
            ],
            ["DROP TRIGGER refuse_b ON knowledge_documents", "DROP FUNCTION refuse_b()"],
          ];
    for (const statement of refuse) await sql.run(statement);
    try {
      await expect(kb.removeDocuments("atomic", ["a.txt", "b.txt"])).rejects.toThrow(/refused/);
    } finally {
      for (const statement of allow) await sql.run(statement);
    }
    expect((await kb.listDocuments("atomic")).map((d) => d.name)).toEqual(["a.txt", "b.txt"]);
    expect(await count("SELECT count(*) AS n FROM knowledge_chunks WHERE agent = 'atomic'")).toBe(2);
    expect(await kb.removeDocuments("atomic", ["a.txt", "missing.txt"])).toEqual(["a.txt"]);
    expect(await count("SELECT count(*) AS n FROM knowledge_chunks WHERE agent = 'atomic'")).toBe(1);
  });
});
