import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { docxDocument, pdfDocument } from "../../helpers/documents.js";
import { createTestApp, type TestApp } from "../../helpers/app.js";

/**
 * /v1/agents/{name}/knowledge through the real app (`app.request()`, a real
 * SQLite file, the real extractors): upload, list, get, search, replace,
 * delete, and documents that are refused with nothing stored.
 */
const BASE = "/v1/agents/receptionist/knowledge";
const FAQ_V1 = "# Hours\n\n## When are you open on Saturday?\n\nOn Saturday we are open from 9 to 13.\n";
const FAQ_V2 = "# Hours\n\n## When are you open on Saturday?\n\nOn Saturday we are closed since March.\n";

describe("knowledge API", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ config: { knowledge: { limits: { maxBytes: 64 * 1024 } } } });
  });
  afterAll(async () => t?.close());

  const upload = (name: string, body: string | Uint8Array, type: string) =>
    t.request(`${BASE}?name=${encodeURIComponent(name)}`, { method: "POST", body, headers: { "content-type": type } });
  const search = async (query: string) => {
    const res = await t.request(`${BASE}/search`, {
      method: "POST",
      body: JSON.stringify({ query }),
      headers: { "content-type": "application/json" },
    });
    expect(res.status).toBe(200);
    return (await res.json()) as { hits: { documentName: string; documentVersion: number; text: string }[] };
  };
  const names = async () =>
    ((await (await t.request(BASE)).json()) as { items: { name: string; version: number }[] }).items.map(
      (d) => `${d.name}@${d.version}`,
    );

  it("uploads a Markdown document, lists it, shows its chunks and finds it", async () => {
    const res = await upload("hours.md", FAQ_V1, "text/markdown");
    expect(res.status).toBe(201);
    const body = (await res.json()) as { outcome: string; document: { name: string; chunks: number; version: number } };
    expect(body.outcome).toBe("created");
    expect(body.document).toMatchObject({ name: "hours.md", version: 1 });
    expect(body.document.chunks).toBeGreaterThan(0);
    expect(await names()).toEqual(["hours.md@1"]);

    const doc = (await (await t.request(`${BASE}/hours.md`)).json()) as { items: { heading: string; text: string }[] };
    expect(doc.items.map((c) => c.heading)).toContain("Hours > When are you open on Saturday?");
    const { hits } = await search("open saturday");
    expect(hits[0]).toMatchObject({ documentName: "hours.md", documentVersion: 1 });
    expect(hits[0]!.text).toContain("9 to 13");
  });

  it("the same bytes again change nothing; new bytes replace the chunks as version 2", async () => {
    const same = await upload("hours.md", FAQ_V1, "text/markdown");
    expect(same.status).toBe(200);
    expect(((await same.json()) as { outcome: string }).outcome).toBe("unchanged");

    const replaced = await t.request(`${BASE}/hours.md`, {
      method: "PUT",
      body: FAQ_V2,
      headers: { "content-type": "text/markdown" },
    });
    expect(replaced.status).toBe(200);
    expect(((await replaced.json()) as { outcome: string }).outcome).toBe("replaced");
    expect(await names()).toEqual(["hours.md@2"]);
    const { hits } = await search("open saturday");
    expect(hits.map((h) => h.text).join(" ")).toContain("closed since March");
    expect(hits.map((h) => h.text).join(" ")).not.toContain("9 to 13");
  });

  it("takes PDF and DOCX as multipart uploads", async () => {
    const pdf = pdfDocument([
      [
        { size: 18, text: "Parking" },
        { size: 11, text: "Free parking is behind the clinic on Harbour Street.", gapBefore: 8 },
      ],
    ]);
    const form = new FormData();
    form.append("file", new File([pdf], "parking.pdf", { type: "application/pdf" }));
    const res = await t.request(BASE, { method: "POST", body: form });
    expect(res.status).toBe(201);

    const docx = await docxDocument([
      { style: "Heading1", text: "Insurance" },
      { text: "We accept Delta Shield and Brightcare plans." },
    ]);
    const form2 = new FormData();
    form2.append("file", new File([docx], "upload.bin"));
    form2.append("name", "insurance.docx");
    const res2 = await t.request(BASE, { method: "POST", body: form2 });
    expect(res2.status).toBe(201);
    expect(await names()).toEqual(["hours.md@2", "insurance.docx@1", "parking.pdf@1"]);
    expect((await search("harbour parking")).hits[0]!.documentName).toBe("parking.pdf");
    expect((await search("delta shield")).hits[0]!.documentName).toBe("insurance.docx");
  });

  it("refuses broken, unsupported and oversized documents with a 4xx naming the problem, storing nothing", async () => {
    const before = await names();
    const expectRefused = async (res: Response, status: number, code: string, mention: RegExp) => {
      expect(res.status).toBe(status);
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe(code);
      expect(body.error.message).toMatch(mention);
    };
    const pdf = pdfDocument([[{ size: 11, text: "A page that will be cut short." }]]);
    await expectRefused(
      await upload("broken.pdf", pdf.slice(0, 60), "application/pdf"),
      422,
      "knowledge_document_unreadable",
      /broken\.pdf/,
    );
    const docx = await docxDocument([{ text: "Cut short." }]);
    await expectRefused(
      await upload("broken.docx", docx.slice(0, docx.length - 40), "application/octet-stream"),
      422,
      "knowledge_document_unreadable",
      /broken\.docx/,
    );
    await expectRefused(
      await upload("logo.png", new Uint8Array([0x89, 0x50, 0x4e, 0x47, 13, 10, 26, 10, 0, 0]), "image/png"),
      415,
      "knowledge_format_unsupported",
      /logo\.png/,
    );
    await expectRefused(
      await upload("big.txt", "word ".repeat(20_000), "text/plain"),
      413,
      "knowledge_document_too_large",
      /big\.txt/,
    );
    // A broken re-upload of an existing document leaves the indexed version as it was.
    await expectRefused(
      await t.request(`${BASE}/parking.pdf`, {
        method: "PUT",
        body: pdf.slice(0, 60),
        headers: { "content-type": "application/pdf" },
      }),
      422,
      "knowledge_document_unreadable",
      /parking\.pdf/,
    );
    expect(await names()).toEqual(before);
    expect((await search("harbour parking")).hits[0]!.documentName).toBe("parking.pdf");
    const raw = await t.request(BASE, { method: "POST", body: "x", headers: { "content-type": "text/plain" } });
    await expectRefused(raw, 400, "invalid_request", /name the document/);
  });

  it("deletes a document; unknown agents and documents are 404", async () => {
    expect((await t.request(`${BASE}/insurance.docx`, { method: "DELETE" })).status).toBe(204);
    expect((await t.request(`${BASE}/insurance.docx`, { method: "DELETE" })).status).toBe(404);
    expect((await t.request(`${BASE}/insurance.docx`)).status).toBe(404);
    expect((await search("delta shield")).hits.map((h) => h.documentName)).not.toContain("insurance.docx");
    expect((await t.request("/v1/agents/nobody/knowledge")).status).toBe(404);
    expect(await names()).toEqual(["hours.md@2", "parking.pdf@1"]);
  });

  it("is described in the OpenAPI document", async () => {
    const doc = (await (await t.request("/v1/openapi.json")).json()) as { paths: Record<string, object> };
    expect(Object.keys(doc.paths["/v1/agents/{name}/knowledge"] ?? {}).sort()).toEqual(["get", "post"]);
    expect(Object.keys(doc.paths["/v1/agents/{name}/knowledge/{document}"] ?? {}).sort()).toEqual([
      "delete",
      "get",
      "put",
    ]);
  });
});
