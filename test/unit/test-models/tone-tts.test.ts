/** The tone voice on sherpa-onnx's real OfflineTts (VITS slot, characters frontend). */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateTestModel } from "../../../scripts/test-models/index.js";
import { loadSherpa, type OfflineTts } from "./sherpa.js";
import { rms } from "./tone-audio.js";

const SAMPLES_PER_CHAR = 256;
let root: string;
let tts: OfflineTts;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), "parley-tone-tts-"));
  await generateTestModel("tone-tts", {}, root);
  // The engine config the model needs (see scripts/test-models/tone-tts.ts).
  tts = new (loadSherpa().OfflineTts)({
    model: {
      vits: { model: join(root, "model.onnx"), tokens: join(root, "tokens.txt") },
      numThreads: 1,
      debug: false,
      provider: "cpu",
    },
    maxNumSentences: 1,
  });
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("tone-tts", () => {
  it("loads as a 16 kHz single-speaker voice", () => {
    expect(tts.sampleRate).toBe(16000);
    expect(tts.numSpeakers).toBe(1);
  });

  it("makes audio whose length is proportional to the text", () => {
    const lengths = ["Hi.", "Hello there.", "Hello, this is a test of the voice agent."].map((text) => {
      const audio = tts.generate({ text, sid: 0, speed: 1 });
      expect(audio.sampleRate).toBe(16000);
      return { chars: text.length, samples: audio.samples.length };
    });
    for (const { chars, samples } of lengths) expect(samples).toBe(chars * SAMPLES_PER_CHAR);
  });

  it("is loud on letters and silent on spaces", () => {
    const { samples } = tts.generate({ text: "ab cd", sid: 0, speed: 1 });
    expect(rms(samples, 0, 2 * SAMPLES_PER_CHAR)).toBeGreaterThan(0.15);
    expect(rms(samples, 2 * SAMPLES_PER_CHAR, 3 * SAMPLES_PER_CHAR)).toBe(0);
    expect(rms(samples, 3 * SAMPLES_PER_CHAR)).toBeGreaterThan(0.15);
  });

  it("says the same text the same way every time", () => {
    const a = tts.generate({ text: "Deterministic, please!", sid: 0, speed: 1 }).samples;
    const b = tts.generate({ text: "Deterministic, please!", sid: 0, speed: 1 }).samples;
    expect(Buffer.from(a.buffer).equals(Buffer.from(b.buffer))).toBe(true);
  });
});
