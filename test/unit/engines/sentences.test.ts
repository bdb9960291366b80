import { describe, expect, it } from "vitest";
import { TTS_WARM_UP_SENTENCE } from "../../../src/engines/host/warm-up.js";
import {
  FIRST_CLAUSE,
  SENTENCE_SOFT_LIMIT,
  SentenceChunker,
  splitSentences,
} from "../../../src/engines/tts/sentences.js";

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

  it("lets the TTS warm-up's sentence through whole, as long as any sentence a reply hands the TTS", () => {
    // The warm-up (warm-up.ts) grows the voice's memory to fit the longest sentence it will be given.
    expect(splitSentences(TTS_WARM_UP_SENTENCE)).toEqual([TTS_WARM_UP_SENTENCE]);
    expect(TTS_WARM_UP_SENTENCE.length).toBeGreaterThan(SENTENCE_SOFT_LIMIT - 10);
    expect(splitSentences(`${TTS_WARM_UP_SENTENCE.slice(0, -1)} and two.`).length).toBeGreaterThan(1);
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

  it("first clause: the first chunk ends at its first clause, later ones by sentence", () => {
    const c = new SentenceChunker(undefined, FIRST_CLAUSE);
    expect(c.push("Sure")).toEqual([]);
    expect(c.push(", I can")).toEqual([]); // one word before the comma: too short to say alone
    expect(c.push(" help with that, and")).toEqual(["Sure, I can help with that,"]);
    expect(c.push(" the table is yours, for two.")).toEqual([]); // the rest goes by sentence
    expect(c.push(" Anything")).toEqual(["and the table is yours, for two."]);
    expect(c.flush()).toEqual(["Anything"]);
  });

  it("first clause: a whole first sentence goes as one, and a long clause is cut after a few words", () => {
    const whole = new SentenceChunker(undefined, FIRST_CLAUSE);
    expect(whole.push("Thanks for calling. How can I help, today?")).toEqual(["Thanks for calling."]);
    // The first sentence ends at its period: no token is waited for to see the space after it.
    const streamed = new SentenceChunker(undefined, FIRST_CLAUSE);
    expect(streamed.push("Thanks for calling")).toEqual([]);
    expect(streamed.push(".")).toEqual(["Thanks for calling."]);
    expect(streamed.push(" How can I help")).toEqual([]);
    expect(streamed.push(" today?")).toEqual([]); // later sentences wait for what follows, as before
    expect(streamed.flush()).toEqual(["How can I help today?"]);
    const long = new SentenceChunker(undefined, { minWords: 2, maxWords: 4 });
    expect(long.push("we are open every day of the week")).toEqual(["we are open every"]);
    expect(long.flush()).toEqual(["day of the week"]);
  });

  it("first clause: a period at the end of the text waits after a number or an abbreviation", () => {
    const price = new SentenceChunker(undefined, FIRST_CLAUSE);
    expect(price.push("It is 3.")).toEqual([]); // may be 3.50
    expect(price.push("50 euros.")).toEqual(["It is 3.50 euros."]);
    const title = new SentenceChunker(undefined, FIRST_CLAUSE);
    expect(title.push("Ask Dr.")).toEqual([]);
    expect(title.push(" Smith. Then")).toEqual(["Ask Dr. Smith."]);
    const ordinal = new SentenceChunker("de", FIRST_CLAUSE);
    expect(ordinal.push("Am 3.")).toEqual([]);
    expect(ordinal.push(" Mai. Gut")).toEqual(["Am 3. Mai."]);
  });
});
