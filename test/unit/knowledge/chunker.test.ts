/** Chunking: sections with their heading paths, FAQ entries whole, long sections packed with overlap and within bounds. */
import { describe, expect, it } from "vitest";
import { chunkBlocks, embeddingText, type Block, type ChunkOptions } from "../../../src/knowledge/index.js";

const options: ChunkOptions = { targetChars: 300, maxChars: 500, overlapChars: 80, maxEntryChars: 1200 };

/** Sentences that say where they are, so a test can tell which text went where. */
const sentences = (tag: string, n: number) =>
  Array.from({ length: n }, (_, i) => `Sentence ${i + 1} of ${tag} talks about pipes and valves.`);

describe("chunkBlocks", () => {
  it("gives each section one chunk with the path of headings above it, and never merges sections", () => {
    const blocks: Block[] = [
      { kind: "heading", level: 1, text: "Acme" },
      { kind: "paragraph", text: "Intro." },
      { kind: "heading", level: 2, text: "Billing" },
      { kind: "heading", level: 3, text: "Cards" },
      { kind: "paragraph", text: "We take cards." },
      { kind: "question", text: "Do you take cash?" },
      { kind: "paragraph", text: "Yes." },
      { kind: "heading", level: 2, text: "Hours" },
      { kind: "paragraph", text: "Nine to five." },
    ];
    expect(chunkBlocks(blocks, options)).toEqual([
      { position: 0, heading: "Acme", text: "Intro." },
      { position: 1, heading: "Acme > Billing > Cards", text: "We take cards." },
      { position: 2, heading: "Acme > Billing > Cards > Do you take cash?", text: "Yes." },
      { position: 3, heading: "Acme > Hours", text: "Nine to five." },
    ]);
  });

  it("lets a question heading replace its sibling headings, and nests a Q: line under the headings above", () => {
    const blocks: Block[] = [
      { kind: "heading", level: 1, text: "Handbook" },
      { kind: "heading", level: 2, text: "Holidays" },
      { kind: "paragraph", text: "25 days." },
      { kind: "question", level: 2, text: "Can I work from home?" },
      { kind: "paragraph", text: "Two days a week." },
      { kind: "question", text: "Who agrees it?" },
      { kind: "paragraph", text: "Your manager." },
    ];
    expect(chunkBlocks(blocks, options).map((c) => c.heading)).toEqual([
      "Handbook > Holidays",
      "Handbook > Can I work from home?",
      "Handbook > Can I work from home? > Who agrees it?",
    ]);
  });

  it("keeps an FAQ answer whole up to maxEntryChars, even across paragraphs and above maxChars", () => {
    const answer = sentences("answer", 14); // ~700 characters: above maxChars, below maxEntryChars
    const blocks: Block[] = [
      { kind: "question", text: "How do I bleed a radiator?" },
      { kind: "paragraph", text: answer.slice(0, 7).join(" ") },
      { kind: "paragraph", text: answer.slice(7).join(" ") },
    ];
    const chunks = chunkBlocks(blocks, options);
    expect(chunks).toHaveLength(1);
    expect(chunks[0]!.text.length).toBeGreaterThan(options.maxChars);
    expect(chunks[0]!.text).toContain("Sentence 14 of answer");
  });

  it("packs a long section into pieces of about targetChars, each within maxChars, repeating the last sentences of the piece before", () => {
    const paragraphs = [sentences("a", 6).join(" "), sentences("b", 30).join(" "), "Short closing line."];
    const chunks = chunkBlocks(
      [{ kind: "heading", level: 1, text: "Guide" }, ...paragraphs.map((text): Block => ({ kind: "paragraph", text }))],
      options,
    );
    expect(chunks.length).toBeGreaterThan(3);
    for (const c of chunks) {
      expect(c.heading).toBe("Guide");
      expect(c.text.length).toBeLessThanOrEqual(options.maxChars);
    }
    for (let i = 1; i < chunks.length; i++) {
      const previousLast = chunks[i - 1]!.text.split(/(?<=\.)\s+/).at(-1)!;
      expect(chunks[i]!.text.startsWith(previousLast), `chunk ${i} starts with the end of chunk ${i - 1}`).toBe(true);
    }
    // Nothing is lost: every sentence is in some chunk.
    const all = chunks.map((c) => c.text).join(" ");
    for (const s of [...sentences("a", 6), ...sentences("b", 30), "Short closing line."]) expect(all).toContain(s);
  });

  it("cuts a paragraph with no sentence ends into word runs within maxChars", () => {
    const words = Array.from({ length: 400 }, (_, i) => `w${i}`).join(" ");
    const chunks = chunkBlocks([{ kind: "paragraph", text: words }], options);
    expect(chunks.length).toBeGreaterThan(1);
    for (const c of chunks) expect(c.text.length).toBeLessThanOrEqual(options.maxChars);
    expect(chunks.map((c) => c.text).join(" ")).toContain("w399");
  });

  it("keeps a question with no answer as a chunk and drops headings with no text", () => {
    const chunks = chunkBlocks(
      [
        { kind: "heading", level: 1, text: "Empty" },
        { kind: "question", text: "Any questions?" },
        { kind: "heading", level: 1, text: "Also empty" },
      ],
      options,
    );
    expect(chunks).toEqual([{ position: 0, heading: "Empty", text: "Any questions?" }]);
  });

  it("embeds a chunk with its headings", () => {
    expect(embeddingText({ heading: "Billing > Cards", text: "We take cards." })).toBe(
      "Billing > Cards\nWe take cards.",
    );
    expect(embeddingText({ heading: "", text: "Loose text." })).toBe("Loose text.");
  });
});
