import { describe, expect, it } from "vitest";
import { type TestApp } from "../../helpers/app.js";
import { postgresUnavailable } from "../../helpers/postgres.js";
import { nodesOnOneSchema } from "../../helpers/shared-nodes.js";

// Two nodes (each its own data dir and SQLite file) on one PostgreSQL store: a document uploaded to one node is
// what an agent on the other finds, at the version the last upload made, and a delete on either is seen by both.
const skip = await postgresUnavailable();

const BASE = "/v1/agents/receptionist/knowledge";
const V1 = "# Hours\n\n## When are you open on Saturday?\n\nOn Saturday we are open from 9 to 13.\n";
const V2 = "# Hours\n\n## When are you open on Saturday?\n\nOn Saturday we are closed since March.\n";

describe.skipIf(skip)(`knowledge shared by two nodes${skip ? ` (skipped: ${skip})` : ""}`, () => {
  const nodes = nodesOnOneSchema(2);

  const json = async <T>(res: Response | Promise<Response>, status = 200): Promise<T> => {
    const r = await res;
    expect(r.status, await r.clone().text()).toBe(status);
    return (await r.json()) as T;
  };
  const upload = (t: TestApp, body: string) =>
    t.request(`${BASE}/hours.md`, { method: "PUT", body, headers: { "content-type": "text/markdown" } });
  const search = (t: TestApp, query: string) =>
    json<{ hits: { documentName: string; documentVersion: number; text: string }[] }>(
      t.request(`${BASE}/search`, {
        method: "POST",
        body: JSON.stringify({ query }),
        headers: { "content-type": "application/json" },
      }),
    );

  it("a document uploaded on one node is listed and found by the agent on the other", async () => {
    const [a, b] = [nodes[0]!, nodes[1]!];
    expect((await json<{ outcome: string }>(upload(a, V1), 201)).outcome).toBe("created");

    const listed = await json<{ items: { name: string; version: number }[]; status: { documents: number } }>(
      b.request(BASE),
    );
    expect(listed.items.map((d) => [d.name, d.version])).toEqual([["hours.md", 1]]);
    expect(listed.status.documents).toBe(1);
    const { hits } = await search(b, "open on saturday");
    expect(hits[0]).toMatchObject({ documentName: "hours.md", documentVersion: 1 });
    expect(hits[0]!.text).toContain("9 to 13");
    // What the agent's search_knowledge tool calls on node b: the same facade.
    const found = await b.services.knowledge.search("receptionist", "When are you open on Saturday?");
    expect(found.hits[0]?.text).toContain("9 to 13");
    // The same bytes sent to the other node are the same document, unchanged.
    expect((await json<{ outcome: string }>(upload(b, V1))).outcome).toBe("unchanged");
  });

  it("a re-upload on the other node is version 2 everywhere; a delete on either is seen by both", async () => {
    const [a, b] = [nodes[0]!, nodes[1]!];
    const replaced = await json<{ outcome: string; document: { version: number } }>(upload(b, V2));
    expect(replaced).toMatchObject({ outcome: "replaced", document: { version: 2 } });
    const { hits } = await search(a, "open on saturday");
    expect(hits[0]).toMatchObject({ documentName: "hours.md", documentVersion: 2 });
    expect(hits.map((h) => h.text).join(" ")).not.toContain("9 to 13");

    expect((await a.request(`${BASE}/hours.md`, { method: "DELETE" })).status).toBe(204);
    expect((await b.request(`${BASE}/hours.md`)).status).toBe(404);
    expect((await search(b, "saturday")).hits).toEqual([]);
    expect((await b.request(`${BASE}/hours.md`, { method: "DELETE" })).status).toBe(404);
  });
});
