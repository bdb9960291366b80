/**
 * The scripted recognisers on the real sherpa-onnx runtime: the streaming one
 * in the T-one slot, the batch one in the zipformer-CTC slot, fed tone bursts
 * at telephone (8 kHz) and wideband (16 kHz) rates.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateTestModel } from "../../../scripts/test-models/index.js";
import { TINY_DEFAULTS } from "../../../scripts/test-models/tiny-defaults.js";
import { loadSherpa, type OfflineRecognizer, type OnlineRecognizer } from "./sherpa.js";
import { toneBursts } from "./tone-audio.js";

const sherpa = loadSherpa();
const WORDS = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot"];
let root: string;
const dirs = { streaming: "", batch: "", streamingWords: "", batchWords: "" };

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), "parley-tone-asr-"));
  for (const [key, name, args] of [
    ["streaming", "tone-asr-streaming", {}],
    ["batch", "tone-asr-batch", {}],
    ["streamingWords", "tone-asr-streaming", { words: WORDS }],
    ["batchWords", "tone-asr-batch", { words: WORDS }],
  ] as const) {
    dirs[key] = join(root, key);
    await generateTestModel(name, args, dirs[key]);
  }
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

/** The engine config the streaming model needs (see scripts/test-models/tone-asr-streaming.ts). */
function streaming(dir: string, enableEndpoint: boolean): OnlineRecognizer {
  return new sherpa.OnlineRecognizer({
    featConfig: { sampleRate: 16000, featureDim: 80 },
    modelConfig: {
      toneCtc: { model: join(dir, "model.onnx") },
      tokens: join(dir, "tokens.txt"),
      numThreads: 1,
      provider: "cpu",
      debug: 0,
    },
    decodingMethod: "greedy_search",
    enableEndpoint,
    // sherpa counts one T-one chunk as a 10 ms frame, so "the utterance contains speech" (rule 2) never
    // holds and endpoints come from rule 1; each silent chunk adds 10 blank frames, read as 0.4 s.
    rule1MinTrailingSilence: 1.2,
    rule2MinTrailingSilence: 1.2,
    rule3MinUtteranceLength: 20,
  });
}

/** The engine config the batch model needs (see scripts/test-models/tone-asr-batch.ts). */
function batch(dir: string): OfflineRecognizer {
  return new sherpa.OfflineRecognizer({
    featConfig: { sampleRate: 16000, featureDim: 80 },
    modelConfig: {
      zipformerCtc: { model: join(dir, "model.onnx") },
      tokens: join(dir, "tokens.txt"),
      numThreads: 1,
      provider: "cpu",
      debug: 0,
    },
    decodingMethod: "greedy_search",
  });
}

interface Live {
  /** Each change of the partial text, in order. */
  partials: string[];
  /** The text at each endpoint that ended an utterance with words in it. */
  utterances: string[];
  /** Seconds of audio fed when each of those endpoints fired. */
  endpointsAt: number[];
}

/** Feeds audio in 100 ms pieces as a live call would, resetting the stream at each endpoint. */
function live(rec: OnlineRecognizer, samples: Float32Array, sampleRate: number): Live {
  const stream = rec.createStream();
  const step = sampleRate / 10;
  const out: Live = { partials: [], utterances: [], endpointsAt: [] };
  let last = "";
  for (let i = 0; i < samples.length; i += step) {
    stream.acceptWaveform({ samples: samples.subarray(i, i + step), sampleRate });
    while (rec.isReady(stream)) rec.decode(stream);
    const text = rec.getResult(stream).text;
    if (text !== last && text !== "") out.partials.push(text);
    last = text;
    if (rec.isEndpoint(stream)) {
      if (text !== "") {
        out.utterances.push(text);
        out.endpointsAt.push((i + step) / sampleRate);
      }
      rec.reset(stream);
      last = "";
    }
  }
  return out;
}

/** Whole-utterance text from the streaming model (no endpointing), for comparison with batch. */
function streamedText(rec: OnlineRecognizer, samples: Float32Array, sampleRate: number): string {
  const stream = rec.createStream();
  stream.acceptWaveform({ samples, sampleRate });
  stream.acceptWaveform({ samples: new Float32Array(sampleRate), sampleRate });
  stream.inputFinished();
  while (rec.isReady(stream)) rec.decode(stream);
  return rec.getResult(stream).text;
}

function batchResult(
  rec: OfflineRecognizer,
  samples: Float32Array,
  sampleRate: number,
): { text: string; timestamps: number[] } {
  const stream = rec.createStream();
  stream.acceptWaveform({ samples, sampleRate });
  rec.decode(stream);
  const { text, timestamps } = rec.getResult(stream);
  return { text, timestamps };
}

const script = (words: readonly string[], n: number): string => words.slice(0, n).join(" ");

describe("tone-asr-streaming", () => {
  it.each([8000, 16000])(
    "emits the next script word per loud chunk and an endpoint on trailing silence (%i Hz)",
    (rate) => {
      // Loud chunks 1, 3, 4, 6 (single silent chunks in between do not end the utterance), then 3 s of silence.
      const result = live(streaming(dirs.streaming, true), toneBursts("SLSLLSL" + "S".repeat(10), rate), rate);
      const words = TINY_DEFAULTS.streamingAsrWords;
      expect(result.partials).toEqual([1, 2, 3, 4].map((n) => script(words, n)));
      expect(result.utterances).toEqual([script(words, 4)]);
      // Speech ends at 2.1 s; the endpoint follows within the 3 s of silence.
      expect(result.endpointsAt[0]).toBeGreaterThan(2.1);
    },
  );

  it("starts the script again after an endpoint, as sherpa re-initialises the model state on reset", () => {
    const result = live(
      streaming(dirs.streaming, true),
      toneBursts("SLL" + "S".repeat(8) + "L" + "S".repeat(8), 8000),
      8000,
    );
    const words = TINY_DEFAULTS.streamingAsrWords;
    expect(result.utterances).toEqual([script(words, 2), script(words, 1)]);
  });

  it("stays silent on silence and on quiet noise", () => {
    const noise = Float32Array.from({ length: 8000 * 3 }, (_, i) => 0.005 * Math.sin(i * 1.7) * Math.cos(i * 0.31));
    expect(streamedText(streaming(dirs.streaming, false), noise, 8000)).toBe("");
    expect(streamedText(streaming(dirs.streaming, false), new Float32Array(8000 * 3), 8000)).toBe("");
  });

  it("stops after the last word of the script", () => {
    expect(streamedText(streaming(dirs.streamingWords, false), toneBursts("L".repeat(9), 8000), 8000)).toBe(
      WORDS.join(" "),
    );
  });
});

describe("tone-asr-batch", () => {
  it.each([8000, 16000])("emits one script word per loud 300 ms chunk, timed at the chunk (%i Hz)", (rate) => {
    const { text, timestamps } = batchResult(batch(dirs.batch), toneBursts("SLSLLSLSS", rate), rate);
    expect(text).toBe(script(TINY_DEFAULTS.batchAsrWords, 4));
    // Loud chunks 1, 3, 4 and 6 start at 0.3, 0.9, 1.2 and 1.8 s; output frames are 40 ms.
    [0.3, 0.9, 1.2, 1.8].forEach((start, i) => expect(Math.abs((timestamps[i] ?? -1) - start)).toBeLessThan(0.04));
  });

  it("transcribes silence and quiet noise as nothing", () => {
    const noise = Float32Array.from({ length: 16000 * 2 }, (_, i) => 0.005 * Math.sin(i * 1.7) * Math.cos(i * 0.31));
    expect(batchResult(batch(dirs.batch), noise, 16000).text).toBe("");
    expect(batchResult(batch(dirs.batch), new Float32Array(16000), 16000).text).toBe("");
  });

  const cases = [
    { pattern: "SLSSLLSSLSLSS", frequency: 440, offsetSeconds: 0 },
    { pattern: "LSLSL", frequency: 200, offsetSeconds: 0 },
    { pattern: "LSLSL", frequency: 3000, offsetSeconds: 0 },
    { pattern: "SLSSLLSSLSS", frequency: 440, offsetSeconds: 0.15 }, // bursts straddle chunk boundaries
    { pattern: "LLLLLLLLL", frequency: 440, offsetSeconds: 0 }, // more loud chunks than words
  ];
  it.each(cases.flatMap((c) => [8000, 16000].map((rate) => ({ ...c, rate }))))(
    "reads the same audio as the streaming model: $pattern at $frequency Hz, offset $offsetSeconds s, $rate Hz",
    ({ pattern, frequency, offsetSeconds, rate }) => {
      const audio = toneBursts(pattern, rate, { frequency, offsetSeconds });
      const streamed = streamedText(streaming(dirs.streamingWords, false), audio, rate);
      expect(streamed.length).toBeGreaterThan(0);
      expect(batchResult(batch(dirs.batchWords), audio, rate).text).toBe(streamed);
    },
  );
});
