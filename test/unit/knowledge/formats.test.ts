/** Markdown, plain text and HTML to blocks; format detection against the bytes; a zip's declared unpacked size. */
import JSZip from "jszip";
import { describe, expect, it } from "vitest";
import { decodeText, detectFormat } from "../../../src/knowledge/formats/detect.js";
import { htmlBlocks } from "../../../src/knowledge/formats/html.js";
import { markdownBlocks } from "../../../src/knowledge/formats/markdown.js";
import { textBlocks } from "../../../src/knowledge/formats/plain-text.js";
import { zipUncompressedBytes } from "../../../src/knowledge/formats/zip-size.js";
import { KnowledgeError } from "../../../src/knowledge/index.js";

const bytes = (s: string) => new Uint8Array(Buffer.from(s, "utf8"));

function knowledgeError(fn: () => unknown): KnowledgeError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(KnowledgeError);
    return err as KnowledgeError;
  }
  throw new Error("expected a KnowledgeError");
}

describe("markdownBlocks", () => {
  it("reads ATX and setext headings, FAQ questions, lists, code and inline syntax as words", () => {
    const md = [
      "Acme Plumbing",
      "=============",
      "",
      "## Opening *hours*",
      "",
      "We are **open** Monday to Friday.",
      "See [our page](https://acme.example/hours).",
      "",
      "### Do you work on weekends?",
      "",
      "- Saturdays: 9-12",
      "- Sundays: emergencies only",
      "",
      "---",
      "",
      "Q: Can I pay by card?",
      "A: Yes, every card.",
      "",
      "```",
      "code # not a heading",
      "```",
      "",
      "<!-- hidden note -->",
      "Prices",
      "------",
      "",
      "From `89` dollars. ![van](van.png)",
    ].join("\n");
    expect(markdownBlocks(md)).toEqual([
      { kind: "heading", level: 1, text: "Acme Plumbing" },
      { kind: "heading", level: 2, text: "Opening hours" },
      { kind: "paragraph", text: "We are open Monday to Friday.\nSee our page." },
      { kind: "question", text: "Do you work on weekends?", level: 3 },
      { kind: "paragraph", text: "- Saturdays: 9-12\n- Sundays: emergencies only" },
      { kind: "question", text: "Can I pay by card?" },
      { kind: "paragraph", text: "Yes, every card." },
      { kind: "paragraph", text: "code # not a heading" },
      { kind: "heading", level: 2, text: "Prices" },
      { kind: "paragraph", text: "From 89 dollars. van" },
    ]);
  });
});

describe("textBlocks", () => {
  it("splits paragraphs on blank lines and finds FAQ questions in several styles", () => {
    const text =
      "Welcome to Acme.\r\n\r\nWhat are your hours?\nNine to five.\n\nQ: Do you deliver?\nA: Yes.\n\nIs parking free?\n\nIt is, behind the shop.";
    expect(textBlocks(text)).toEqual([
      { kind: "paragraph", text: "Welcome to Acme." },
      { kind: "question", text: "What are your hours?" },
      { kind: "paragraph", text: "Nine to five." },
      { kind: "question", text: "Do you deliver?" },
      { kind: "paragraph", text: "Yes." },
      { kind: "question", text: "Is parking free?" },
      { kind: "paragraph", text: "It is, behind the shop." },
    ]);
  });
});

describe("htmlBlocks", () => {
  it("keeps headings, definition-list and <details> questions, table rows; drops scripts, styles, navigation; decodes entities", () => {
    const html = `<!doctype html><html><head><title>x</title><style>h1{}</style></head><body>
      <nav><a href="/">Home</a></nav><h1>Acme &amp; Sons</h1><p>We fix <b>pipes</b>.<br>Fast.</p>
      <script>var secret = 1;</script><h2>Can I book online?</h2><p>Yes &mdash; any time.</p>
      <dl><dt>Do you charge for quotes?</dt><dd>No.</dd></dl>
      <details><summary>Are you insured?</summary><p>Fully.</p></details>
      <table><tr><td>Mon</td><td>9-5</td></tr></table></body></html>`;
    expect(htmlBlocks(html)).toEqual([
      { kind: "heading", level: 1, text: "Acme & Sons" },
      { kind: "paragraph", text: "We fix pipes." },
      { kind: "paragraph", text: "Fast." },
      { kind: "question", text: "Can I book online?", level: 2 },
      { kind: "paragraph", text: "Yes — any time." },
      { kind: "question", text: "Do you charge for quotes?" },
      { kind: "paragraph", text: "No." },
      { kind: "question", text: "Are you insured?" },
      { kind: "paragraph", text: "Fully." },
      { kind: "paragraph", text: "Mon 9-5" },
    ]);
  });
});

describe("detectFormat", () => {
  it("takes the explicit format, then the content type, then the extension, then the bytes", () => {
    expect(detectFormat({ name: "notes", data: bytes("# hi"), format: "markdown" })).toBe("markdown");
    expect(detectFormat({ name: "page", data: bytes("<p>hi</p>"), contentType: "text/html; charset=utf-8" })).toBe(
      "html",
    );
    expect(detectFormat({ name: "faq.MD", data: bytes("# hi") })).toBe("markdown");
    expect(
      detectFormat({ name: "upload.bin", data: bytes("%PDF-1.4 ..."), contentType: "application/octet-stream" }),
    ).toBe("pdf");
    expect(detectFormat({ name: "readme", data: bytes("plain words") })).toBe("text");
  });

  it("refuses bytes that contradict the declared format, Word 97 files and unknown types, naming the document", () => {
    expect(knowledgeError(() => detectFormat({ name: "faq.txt", data: bytes("%PDF-1.7 binary") })).message).toBe(
      "faq.txt: declared text, but the bytes are a PDF",
    );
    expect(knowledgeError(() => detectFormat({ name: "faq.pdf", data: bytes("just text") })).code).toBe(
      "knowledge_format_mismatch",
    );
    expect(knowledgeError(() => detectFormat({ name: "faq.docx", data: bytes("%PDF-1.7") })).message).toContain(
      "declared docx, but the bytes are a PDF",
    );
    const ole = new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0]);
    const doc = knowledgeError(() => detectFormat({ name: "old.doc", data: ole }));
    expect([doc.code, doc.status]).toEqual(["knowledge_format_unsupported", 415]);
    expect(
      knowledgeError(() => detectFormat({ name: "pic", data: bytes("x"), contentType: "image/png" })).message,
    ).toContain("content type image/png is not a supported document");
  });

  it("decodes UTF-8 text (BOM dropped) and refuses broken UTF-8 and binary data", () => {
    expect(decodeText("a.txt", new Uint8Array([0xef, 0xbb, 0xbf, 0x68, 0x69]))).toBe("hi");
    expect(knowledgeError(() => decodeText("latin1.txt", new Uint8Array([0x63, 0x61, 0x66, 0xe9]))).message).toContain(
      "latin1.txt: not UTF-8 text",
    );
    expect(knowledgeError(() => decodeText("bin.txt", new Uint8Array([0x61, 0, 0x62]))).message).toContain("NUL bytes");
  });
});

describe("zipUncompressedBytes", () => {
  it("sums the sizes a zip's central directory declares, without inflating, and says null for what is not a zip", async () => {
    const zip = new JSZip();
    zip.file("a.xml", "x".repeat(100_000));
    zip.file("b.xml", "y".repeat(2_345));
    const data = await zip.generateAsync({ type: "uint8array", compression: "DEFLATE" });
    expect(data.length).toBeLessThan(5_000);
    expect(zipUncompressedBytes(data)).toBe(102_345);
    expect(zipUncompressedBytes(bytes("not a zip at all, no directory here"))).toBeNull();
  });
});
