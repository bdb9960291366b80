/**
 * Documents into the knowledge base through its facade, on a real SQLite
 * file: every format from real bytes (PDF written here, DOCX zipped here),
 * and every refusal a clear KnowledgeError that leaves what was stored as it
 * was. BM25 only (no embedding model): faq-retrieval.test.ts adds vectors.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import JSZip from "jszip";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { knowledgeSection } from "../../../src/config/index.js";
import { createKnowledge, KnowledgeError, type Knowledge } from "../../../src/knowledge/index.js";
import { ManualClock } from "../../../src/lib/clock.js";
import { silentLogger } from "../../../src/lib/logger.js";
import { openDatabase, type Database } from "../../../src/store/index.js";
import { SqliteSql } from "../../../src/store/sql/index.js";
import { docxDocument, pdfDocument } from "../../helpers/documents.js";

const dir = mkdtempSync(join(tmpdir(), "parley-knowledge-docs-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const settings = knowledgeSection.parse({
  limits: { maxBytes: 200_000, maxChars: 20_000, maxPdfPages: 3, maxUnpackedBytes: 1_048_576, maxChunks: 50 },
});
let db: Database;
let kb: Knowledge;
let n = 0;
beforeEach(() => {
  db = openDatabase(join(dir, `d${++n}.db`));
  kb = createKnowledge({
    sql: new SqliteSql(db),
    sqlite: db,
    embedder: null,
    clock: new ManualClock(1_000),
    logger: silentLogger(),
    settings,
  });
  return () => db.close();
});

async function refused(promise: Promise<unknown>): Promise<KnowledgeError> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(KnowledgeError);
    return err as KnowledgeError;
  }
  throw new Error("expected the document to be refused");
}

const topHeading = async (query: string) => (await kb.search("reception", query, { k: 1 })).hits[0]?.heading;

describe("documents in every format", () => {
  it("Markdown: chunks by section, searchable, with document, version and position on each hit", async () => {
    const md =
      "# Acme\n\n## Opening hours\n\nMonday to Friday, 8 to 6.\n\n## Prices\n\n### How much is a call-out?\n\nA call-out costs 89 dollars.\n";
    const added = await kb.addDocument("reception", { name: "faq.md", data: md });
    expect(added).toMatchObject({
      outcome: "created",
      embedded: false,
      document: { name: "faq.md", format: "markdown", chunkCount: 2, version: 1, createdAt: 1_000 },
    });
    const { hits, mode } = await kb.search("reception", "what does a call out cost?");
    expect(mode).toBe("bm25");
    expect(hits[0]).toMatchObject({
      documentName: "faq.md",
      documentVersion: 1,
      position: 1,
      heading: "Acme > Prices > How much is a call-out?",
      text: "A call-out costs 89 dollars.",
      bm25: { rank: 1 },
    });
    expect(hits[0]!.vector).toBeUndefined();
    expect((await kb.getDocument("reception", "faq.md"))?.chunks.map((c) => c.position)).toEqual([0, 1]);
  });

  it("plain text with Q:/A: pairs, HTML with definition lists", async () => {
    await kb.addDocument("reception", {
      name: "notes.txt",
      data: "Q: Do you fix boilers?\nA: Yes, every make.\n\nQ: Are you insured?\nA: Fully insured.",
    });
    await kb.addDocument("reception", {
      name: "page.html",
      data: "<h1>Garden service</h1><dl><dt>Do you mow lawns?</dt><dd>Every week in summer.</dd></dl>",
      contentType: "text/html",
    });
    expect(await topHeading("boilers")).toBe("Do you fix boilers?");
    expect(await topHeading("mowing the lawn")).toBe("Garden service > Do you mow lawns?");
    expect((await kb.listDocuments("reception")).map((d) => [d.name, d.format])).toEqual([
      ["notes.txt", "text"],
      ["page.html", "html"],
    ]);
  });

  it("PDF: headings from larger type, questions and paragraphs from the text layer, across pages", async () => {
    const pdf = pdfDocument([
      [
        { size: 20, text: "Acme Plumbing FAQ" },
        { size: 11, text: "What areas do you cover?", gapBefore: 12 },
        { size: 11, text: "Northgate, Riverside and the old town," },
        { size: 11, text: "within ten miles of the depot." },
        { size: 11, text: "Do you clear drains?", gapBefore: 14 },
        { size: 11, text: "Yes, with a camera survey." },
      ],
      [
        { size: 20, text: "Guarantees" },
        { size: 11, text: "All work is guaranteed for two years." },
      ],
    ]);
    const added = await kb.addDocument("reception", { name: "faq.pdf", data: pdf });
    expect(added.document).toMatchObject({ format: "pdf", chunkCount: 3 });
    const chunks = (await kb.getDocument("reception", "faq.pdf"))!.chunks;
    expect(chunks.map((c) => [c.heading, c.text])).toEqual([
      [
        "Acme Plumbing FAQ > What areas do you cover?",
        "Northgate, Riverside and the old town, within ten miles of the depot.",
      ],
      ["Acme Plumbing FAQ > Do you clear drains?", "Yes, with a camera survey."],
      ["Guarantees", "All work is guaranteed for two years."],
    ]);
    expect(await topHeading("how long is the guarantee")).toBe("Guarantees");
  });

  it("DOCX: Word heading styles become headings", async () => {
    const docx = await docxDocument([
      { style: "Heading1", text: "Staff handbook" },
      { style: "Heading2", text: "Holidays" },
      { text: "Everyone has 25 days of leave a year." },
      { style: "Heading2", text: "Can I work from home?" },
      { text: "Two days a week, agreed with your manager." },
    ]);
    await kb.addDocument("reception", { name: "handbook.docx", data: docx });
    expect((await kb.getDocument("reception", "handbook.docx"))!.chunks.map((c) => c.heading)).toEqual([
      "Staff handbook > Holidays",
      "Staff handbook > Can I work from home?",
    ]);
    expect(await topHeading("annual leave days")).toBe("Staff handbook > Holidays");
  });
});

describe("re-uploading", () => {
  it("replaces the chunks (version + 1), and the same bytes again change nothing", async () => {
    await kb.addDocument("reception", { name: "faq.md", data: "## Hours\n\nNine to five." });
    const replaced = await kb.addDocument("reception", {
      name: "faq.md",
      data: "## Hours\n\nEight to six.\n\n## Parking\n\nFree behind the shop.",
    });
    expect(replaced).toMatchObject({ outcome: "replaced", document: { version: 2, chunkCount: 2 } });
    expect((await kb.search("reception", "nine")).hits).toEqual([]);
    expect((await kb.search("reception", "eight")).hits[0]?.documentVersion).toBe(2);
    const again = await kb.addDocument("reception", {
      name: "faq.md",
      data: "## Hours\n\nEight to six.\n\n## Parking\n\nFree behind the shop.",
    });
    expect(again).toMatchObject({ outcome: "unchanged", document: { version: 2 } });
  });

  it("a refused re-upload keeps the stored version whole", async () => {
    await kb.addDocument("reception", {
      name: "faq.pdf",
      data: pdfDocument([[{ size: 11, text: "Boilers are serviced every year." }]]),
    });
    const err = await refused(
      kb.addDocument("reception", { name: "faq.pdf", data: Buffer.from("%PDF-1.4\ngarbage that is no PDF") }),
    );
    expect(err.code).toBe("knowledge_document_unreadable");
    expect(await kb.getDocument("reception", "faq.pdf")).toMatchObject({ document: { version: 1, chunkCount: 1 } });
    expect((await kb.search("reception", "boilers serviced")).hits).toHaveLength(1);
    expect(await kb.removeDocument("reception", "faq.pdf")).toBe(true);
    expect(await kb.getDocument("reception", "faq.pdf")).toBeNull();
  });
});

describe("refusals", () => {
  it("names the document and the limit or the fault, and stores nothing", async () => {
    const cases: [Promise<unknown>, string, number, RegExp][] = [
      [
        kb.addDocument("reception", { name: "big.txt", data: "x".repeat(200_001) }),
        "knowledge_document_too_large",
        413,
        /^big\.txt: 200001 bytes, more than the 200000 .*knowledge\.limits\.maxBytes/,
      ],
      [
        kb.addDocument("reception", { name: "long.txt", data: "word ".repeat(5_000) }),
        "knowledge_document_too_long",
        413,
        /^long\.txt: 24999 characters of text, more than the 20000/,
      ],
      [
        kb.addDocument("reception", {
          name: "many.md",
          data: Array.from({ length: 60 }, (_, i) => `## Q${i}\n\nA${i}.`).join("\n\n"),
        }),
        "knowledge_document_too_long",
        413,
        /^many\.md: 60 chunks, more than the 50 .*maxChunks/,
      ],
      [
        kb.addDocument("reception", { name: "empty.md", data: "" }),
        "knowledge_document_empty",
        422,
        /^empty\.md: the file is empty$/,
      ],
      [
        kb.addDocument("reception", { name: "blank.html", data: "<html><script>x()</script></html>" }),
        "knowledge_document_empty",
        422,
        /^blank\.html: no text found$/,
      ],
      [
        kb.addDocument("reception", { name: "scan.pdf", data: pdfDocument([[]]) }),
        "knowledge_document_empty",
        422,
        /scan\.pdf: no text found \(a scanned PDF has no text layer/,
      ],
      [
        kb.addDocument("reception", {
          name: "long.pdf",
          data: pdfDocument([1, 2, 3, 4].map((p) => [{ size: 11, text: `page ${p}` }])),
        }),
        "knowledge_document_too_large",
        413,
        /^long\.pdf: 4 pages, more than the 3/,
      ],
      [
        kb.addDocument("reception", { name: "broken.docx", data: Buffer.from("PK\u0003\u0004 truncated") }),
        "knowledge_document_unreadable",
        422,
        /^broken\.docx: not a readable DOCX/,
      ],
      [
        kb.addDocument("reception", { name: "latin1.txt", data: new Uint8Array([0x63, 0x61, 0x66, 0xe9]) }),
        "knowledge_document_unreadable",
        422,
        /not UTF-8 text/,
      ],
      [
        kb.addDocument("Reception!", { name: "a.md", data: "x" }),
        "knowledge_agent_invalid",
        400,
        /^agent 'Reception!'/,
      ],
      [kb.addDocument("reception", { name: "../etc/passwd", data: "x" }), "knowledge_name_invalid", 400, /no '\/'/],
    ];
    for (const [promise, code, status, message] of cases) {
      const err = await refused(promise);
      expect([err.code, err.status], err.message).toEqual([code, status]);
      expect(err.message).toMatch(message);
    }
    expect(await kb.listDocuments("reception")).toEqual([]);
    expect(await kb.status("reception")).toMatchObject({
      documents: 0,
      chunks: 0,
      vectorSearch: "off",
      embedModel: null,
    });
  });

  it("refuses a DOCX that would unpack past the limit before inflating it", async () => {
    const zip = new JSZip();
    zip.file("word/document.xml", "<w:document/>" + " ".repeat(3_000_000));
    const bomb = await zip.generateAsync({ type: "uint8array", compression: "DEFLATE" });
    expect(bomb.length).toBeLessThan(200_000);
    const err = await refused(kb.addDocument("reception", { name: "bomb.docx", data: bomb }));
    expect(err.code).toBe("knowledge_document_too_large");
    expect(err.message).toMatch(/^bomb\.docx: unpacks to 3000013 bytes, more than 1048576/);
  });
});
