import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEngine } from "../../../src/engines/factory.js";
import type { TtsChunk, TtsEngine } from "../../../src/engines/types.js";
import { rms } from "../../../src/audio/index.js";
import { generatedModel, testConfig } from "../../helpers/models.js";

/** Conformance suite for TTS on the tone test model (one tone per character). */
async function collect(tts: TtsEngine, text: string, signal = AbortSignal.timeout(30_000)): Promise<TtsChunk[]> {
  const out: TtsChunk[] = [];
  for await (const c of tts.synthesize(text, { signal })) out.push(c);
  return out;
}
const samples = (cs: TtsChunk[]) => cs.reduce((n, c) => n + c.samples.length, 0);

describe("TTS conformance: tiny tone model", () => {
  let tts: TtsEngine;
  beforeAll(async () => {
    tts = await createEngine("tts", await generatedModel("tiny-tts"), testConfig());
  });
  afterAll(async () => tts?.dispose());

  it("streams audio sentence by sentence, each sentence's text on its first chunk", async () => {
    const chunks = await collect(tts, "Hello there. How are you today? Fine!");
    expect([...new Set(chunks.map((c) => c.sentence))]).toEqual([0, 1, 2]);
    expect(chunks.filter((c) => c.text !== undefined).map((c) => c.text)).toEqual([
      "Hello there.",
      "How are you today?",
      "Fine!",
    ]);
    for (const c of chunks) expect(c.sampleRate).toBe(tts.sampleRate);
    expect(rms(chunks[0]!.samples)).toBeGreaterThan(0.01);
  });

  it("makes more audio for more text", async () => {
    const short = samples(await collect(tts, "Hi."));
    const long = samples(await collect(tts, "Hi. This sentence is a good deal longer than the first one."));
    expect(long).toBeGreaterThan(short * 5);
  });

  it("says nothing for empty or punctuation-only text", async () => {
    expect(await collect(tts, "   ")).toEqual([]);
    expect(await collect(tts, "... !")).toEqual([]);
  });

  it("stops between sentences when aborted, with nothing after the abort", async () => {
    const controller = new AbortController();
    const seen: TtsChunk[] = [];
    const run = (async () => {
      for await (const c of tts.synthesize("One. Two. Three. Four.", { signal: controller.signal })) {
        seen.push(c);
        controller.abort();
      }
    })();
    await expect(run).rejects.toThrow(/abort/i);
    expect(new Set(seen.map((c) => c.sentence)).size).toBe(1);
  });
});
