import { describe, expect, it } from "vitest";
import { SentenceChunker, splitSentences } from "../../../src/engines/tts/sentences.js";

describe("sentence splitting for speech", () => {
  it("splits on sentence punctuation and keeps it", () => {
    expect(splitSentences("Hello there. How are you? Great!")).toEqual(["Hello there.", "How are you?", "Great!"]);
  });

  it("keeps abbreviations, decimals and times together", () => {
    expect(splitSentences("Dr. Smith will see you at 3.30 today. Bring e.g. your card.")).toEqual([
      "Dr. Smith will see you at 3.30 today.",
      "Bring e.g. your card.",
    ]);
  });

  it("splits very long sentences at commas so the first audio is not late", () => {
    const long = `${"word ".repeat(30).trim()}, ${"more ".repeat(30).trim()}, and the end.`;
    const parts = splitSentences(long);
    expect(parts.length).toBeGreaterThan(1);
    expect(parts.join(" ")).toBe(long);
    for (const p of parts) expect(p.length).toBeLessThanOrEqual(181);
  });

  it("drops pieces with nothing to say", () => {
    expect(splitSentences("... !! ?")).toEqual([]);
  });

  it("streams: a sentence is released only once it is complete", () => {
    const c = new SentenceChunker();
    expect(c.push("Hello the")).toEqual([]);
    expect(c.push("re. How")).toEqual(["Hello there."]);
    expect(c.push(" are you? I am")).toEqual(["How are you?"]);
    // "3." might be "3.5": held until the next character decides.
    expect(c.push(" 3.")).toEqual([]);
    expect(c.push("5 years old")).toEqual([]);
    expect(c.flush()).toEqual(["I am 3.5 years old"]);
  });
});
