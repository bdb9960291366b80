import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../helpers/app.js";
import { seedCall, seedVoicemail } from "../../helpers/search-seed.js";

interface Page {
  items: { kind: string; id: number; url: string; snippet: string; highlight: string; status: string | null }[];
  nextCursor: number | null;
}

describe("GET /v1/search", () => {
  let t: TestApp;
  let boiler: number;
  let invoice: number;
  let call: number;
  beforeAll(async () => {
    t = await createTestApp();
    boiler = await seedVoicemail(t.services.sql, {
      transcript: "The boiler <in flat 9> is leaking, the boiler is old",
      summary: "Boiler leak",
    });
    invoice = await seedVoicemail(t.services.sql, {
      transcript: "A question about the boiler invoice",
      summary: "Invoice",
    });
    call = await seedCall(t.services.sql, ["My boiler makes a noise", "I can send an engineer tomorrow"]);
  }, 120_000);
  afterAll(() => t?.close());

  const get = async (query: string) => {
    const res = await t.request(`/v1/search?${query}`);
    return { status: res.status, body: (await res.json()) as Page & { error?: { code: string; message: string } } };
  };

  it("finds voicemails and calls, best match first, with the match highlighted and the text escaped", async () => {
    const { status, body } = await get("q=boiler");
    expect(status).toBe(200);
    expect(body.items.map((h) => [h.kind, h.id])).toContainEqual(["call", call]);
    const voicemails = body.items.filter((h) => h.kind === "voicemail").map((h) => h.id);
    expect(voicemails).toEqual([boiler, invoice]); // three mentions rank above one
    const first = body.items.find((h) => h.id === boiler && h.kind === "voicemail")!;
    expect(first.url).toBe(`/v1/voicemails/${boiler}`);
    expect(first.snippet).toContain("boiler <in flat 9>");
    expect(first.highlight).toContain("<mark>boiler</mark> &lt;in flat 9&gt;");
    expect(first.status).toBe("processed");
  });

  it("looks in one kind when asked, and pages with nextCursor", async () => {
    const calls = await get("q=boiler&kind=call");
    expect(calls.body.items.map((h) => h.id)).toEqual([call]);
    expect(calls.body.items[0]!.url).toBe(`/v1/calls/${call}`);
    const one = await get("q=boiler&kind=voicemail&limit=1");
    expect(one.body.items.map((h) => h.id)).toEqual([boiler]);
    expect(one.body.nextCursor).toBe(1);
    const two = await get(`q=boiler&kind=voicemail&limit=1&cursor=${one.body.nextCursor}`);
    expect(two.body.items.map((h) => h.id)).toEqual([invoice]);
    expect(two.body.nextCursor).toBeNull();
  });

  it("answers a query it cannot read with a clear 400, not a 500", async () => {
    for (const q of ['"unclosed', "boiler AND", "(boiler", "NOT"]) {
      const { status, body } = await get(`q=${encodeURIComponent(q)}`);
      expect(status, q).toBe(400);
      expect(body.error?.code).toBe("invalid_query");
      expect(body.error?.message).toContain("cannot be read");
    }
    const empty = await get("q=%3F%21");
    expect(empty.status).toBe(400);
    expect(empty.body.error?.message).toContain("no words");
    expect((await get("q=")).status).toBe(400);
    expect((await get("q=boiler&kind=fax")).status).toBe(400);
  });

  it("follows the rows: an edited transcript is found by its new words, a deleted message is gone", async () => {
    const id = await seedVoicemail(t.services.sql, { transcript: "the parrot escaped", summary: null });
    expect((await get("q=parrot")).body.items.map((h) => h.id)).toEqual([id]);
    await t.services.sql.run("UPDATE voicemails SET transcript = 'the cat escaped' WHERE id = ?", [id]);
    expect((await get("q=parrot")).body.items).toEqual([]);
    expect((await get("q=cat")).body.items.map((h) => h.id)).toEqual([id]);
    const del = await t.request(`/v1/voicemails/${id}`, { method: "DELETE" });
    expect(del.status).toBeLessThan(300);
    expect((await get("q=cat")).body.items).toEqual([]);
  });
});
