/**
 * The embedding engine (node-llama-cpp's embedding context) on the tiny
 * embedding double: llama.cpp tokenizes as the generator planned, computes
 * exactly the vectors the double's design says (a weighted bag of word
 * pieces), and the engine keeps its promises: unit vectors, long texts cut to
 * fit, prefixes per purpose, cancellation, queries never behind documents.
 */
import { join } from "node:path";
import { getLlama, LlamaLogLevel, type LlamaModel } from "node-llama-cpp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildEmbedVocab, tokenizeWpm } from "../../../scripts/test-models/embed-vocab.js";
import { embeddingRow } from "../../../scripts/test-models/hashed-embed.js";
import { fromHalf } from "../../../scripts/test-models/ggml-types.js";
import { dot, unitVector } from "../../../src/engines/embed/vector.js";
import { createEngine } from "../../../src/engines/factory.js";
import type { EmbedEngine } from "../../../src/engines/types.js";
import { isAbortError } from "../../../src/lib/errors.js";
import type { ModelRef } from "../../../src/engines/model-ref.js";
import { generatedModel, testConfig } from "../../helpers/models.js";

const signal = new AbortController().signal;
const texts = [
  "What are your opening hours on Saturday?",
  "We are OPEN Monday-Friday, 8:30 am to 5:30 pm; Saturdays 9-12.",
  "Parking is free behind the building (two hours).",
  "Café naïve résumé: accents and ümlauts! 5 € © ™",
  "Call (555) 201-4400 or e-mail us; 24/7 emergencies.",
  "",
];

let ref: ModelRef;
let engine: EmbedEngine;
let model: LlamaModel;

beforeAll(async () => {
  ref = await generatedModel("tiny-embed");
  engine = await createEngine("embed", ref, testConfig());
  const llama = await getLlama({ gpu: false, build: "never", logLevel: LlamaLogLevel.error });
  model = await llama.loadModel({ modelPath: join(ref.dir, "model.gguf"), gpuLayers: 0 });
}, 120_000);

afterAll(async () => {
  await engine?.dispose();
  await model?.dispose();
});

/** The vector the double's design predicts: the mean of its tokens' weighted random-sign rows, unit length. */
function predicted(text: string): Float32Array {
  const vocab = buildEmbedVocab();
  const row = new Uint16Array(256);
  const sum = new Float64Array(256);
  for (const token of tokenizeWpm(vocab, text)) {
    embeddingRow(vocab, token, row);
    for (let i = 2; i < 256; i++) sum[i]! += fromHalf(row[i]!);
  }
  return unitVector(sum);
}

describe("the tiny embedding double", () => {
  it("is tokenized by llama.cpp exactly as the generator's WordPiece emulation says", () => {
    const vocab = buildEmbedVocab();
    for (const text of texts) expect(model.tokenize(text, false), text).toEqual(tokenizeWpm(vocab, text));
  });

  it("gives the vectors its design predicts, through a real node-llama-cpp embedding run", async () => {
    const vectors = await engine.embed(texts.slice(0, 5), { purpose: "document", signal });
    vectors.forEach((v, i) => expect(dot(v, predicted(texts[i]!)), texts[i]).toBeGreaterThan(0.999));
  });

  it("makes lexically close texts close and unrelated ones far, the same way every time", async () => {
    const [question, hours, parking, again] = await engine.embed(
      [
        "When is the clinic open on Saturdays?",
        "The clinic is open on Saturdays from nine to noon.",
        "Parking is free behind the building.",
        "When is the clinic open on Saturdays?",
      ],
      { purpose: "query", signal },
    );
    expect(dot(question!, hours!)).toBeGreaterThan(dot(question!, parking!) + 0.3);
    expect([...again!]).toEqual([...question!]);
  });
});

describe("the embedding engine", () => {
  it("reports its model and width, and returns unit vectors (all zero for a text with nothing to embed)", async () => {
    expect(engine.info).toMatchObject({ kind: "embed", engine: "llama-cpp-embedding", modelId: "tiny-embed" });
    expect(engine.dimensions).toBe(256);
    expect(engine.maxTokens).toBe(2048 - 3);
    const [v, empty] = await engine.embed([texts[1]!, ""], { purpose: "document", signal });
    expect(dot(v!, v!)).toBeCloseTo(1, 5);
    expect(empty).toEqual(new Float32Array(256));
  });

  it("cuts a text longer than the model reads instead of failing", async () => {
    const long = "boilers radiators valves ".repeat(1000);
    expect(engine.countTokens(long)).toBeGreaterThan(engine.maxTokens);
    const [v] = await engine.embed([long], { purpose: "document", signal });
    expect(dot(v!, v!)).toBeCloseTo(1, 5);
  });

  it("puts the catalog's query and document prefixes in front of each purpose", async () => {
    const prefixed = await createEngine(
      "embed",
      {
        ...ref,
        model: {
          ...ref.model,
          config: { ...ref.model.config, queryPrefix: "search query: ", documentPrefix: "passage: " },
        },
      },
      testConfig(),
    );
    try {
      const [query] = await prefixed.embed([texts[2]!], { purpose: "query", signal });
      const [document] = await prefixed.embed([texts[2]!], { purpose: "document", signal });
      expect(dot(query!, predicted(`search query: ${texts[2]}`))).toBeGreaterThan(0.999);
      expect(dot(document!, predicted(`passage: ${texts[2]}`))).toBeGreaterThan(0.999);
    } finally {
      await prefixed.dispose();
    }
  });

  it("stops at once for an aborted signal", async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(engine.embed(texts, { purpose: "document", signal: controller.signal })).rejects.toSatisfy(
      isAbortError,
    );
  });

  it("answers a query while a long batch of documents is still being embedded", async () => {
    const documents = Array.from({ length: 150 }, (_, i) => `${texts[i % 5]} number ${i}`);
    const order: string[] = [];
    const batch = engine.embed(documents, { purpose: "document", signal }).then(() => order.push("documents"));
    await new Promise((r) => setTimeout(r, 20));
    await engine.embed([texts[0]!], { purpose: "query", signal }).then(() => order.push("query"));
    await batch;
    expect(order).toEqual(["query", "documents"]);
  });
});
