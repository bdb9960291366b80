/**
 * The load doubles keep the tiny profile's behaviour (CI, small sizes): the
 * quantized GGUF writer round-trips, a small LLM double in real-shaped
 * layers gives exactly tiny's replies, and each ONNX double (at a small
 * scale) gives the same output as its tiny twin through sherpa-onnx.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { getLlama, LlamaChatSession, LlamaLogLevel, readGgufFileInfo, resolveChatWrapper } from "node-llama-cpp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dequantizeRow, quantizeRow, rowBytes, type GgmlTypeName } from "../../../scripts/test-models/ggml-types.js";
import { generateTestModel, loadDoubleNames, TINY_DEFAULTS } from "../../../scripts/test-models/index.js";
import { recipeType, useMoreBits } from "../../../scripts/test-models/llm-double-types.js";
import { generatorNames } from "../../../src/models/catalog-schema.js";
import { batchMs, streamingMs, ttsMs, vadMs } from "../../../src/bench/doubles/onnx-rtf.js";
import { toneBursts } from "../../../src/bench/doubles/proofs.js";

let root: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), "parley-load-doubles-"));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("quantized GGUF types", () => {
  // The scripted rows' weights: one-hot embeddings, next/select/stop logits (1, 3, 0.5), attention gains.
  it.each([
    ["Q8_0", [21.2, -0.047, 1], 2e-3],
    ["Q6_K", [3, 1, -0.5, 1.7], 0.03],
  ] as [GgmlTypeName, number[], number][])(
    "%s keeps zeros exact and the scripted weights close",
    (type, weights, tolerance) => {
      const values = new Float32Array(512);
      weights.forEach((w, i) => (values[3 + 37 * i] = w)); // different 32-blocks, the same 256-block
      values[300] = weights[0]!;
      const bytes = new Uint8Array(rowBytes(type, 512));
      quantizeRow(type, values, bytes);
      const back = dequantizeRow(type, bytes, 512);
      for (let i = 0; i < 512; i++) {
        if (values[i] === 0) expect(back[i]).toBe(0);
        else expect(Math.abs(back[i]! - values[i]!) / Math.abs(values[i]!)).toBeLessThan(tolerance);
      }
    },
  );

  it("follows llama-quantize's Q4_K_M recipe, with its fallbacks for rows that are not whole K blocks", () => {
    expect(useMoreBits(0, 24)).toBe(true);
    expect(useMoreBits(3, 24)).toBe(false);
    expect(useMoreBits(5, 24)).toBe(true);
    expect(useMoreBits(3, 28)).toBe(false); // C integer division: 28/8 = 3
    expect(recipeType("q4_k_m", "ffn_gate", 3, 24, 896)).toBe("Q5_0");
    expect(recipeType("q4_k_m", "ffn_down", 3, 24, 4864)).toBe("Q4_K");
    expect(recipeType("q4_k_m", "ffn_down", 0, 24, 4864)).toBe("Q6_K");
    expect(recipeType("q4_k_m", "output", 0, 24, 896)).toBe("Q8_0");
    expect(recipeType("q4_k_m", "output", 0, 28, 1536)).toBe("Q6_K");
    expect(recipeType("q4_k_m", "attn_q", 3, 28, 1536)).toBe("Q4_K");
  });

  it("lists the same generators in the catalog schema as in scripts/test-models", async () => {
    const { generatorNames: scripts } = await import("../../../scripts/test-models/index.js");
    expect([...generatorNames].sort()).toEqual([...scripts].sort());
    expect(loadDoubleNames.every((n) => (generatorNames as readonly string[]).includes(n))).toBe(true);
  });
});

describe("a small LLM double (qwen2, Q4_K_M recipe, padded vocabulary)", () => {
  // Real-shaped in kind (GQA, NEOX, biases, Q5_0/Q4_K/Q6_K/Q8_0 mix), small in size.
  const args = {
    name: "ci",
    architecture: "qwen2",
    layers: 3,
    embeddingLength: 192,
    feedForwardLength: 512,
    headCount: 3,
    headCountKv: 1,
    vocabSize: 3000,
    contextLength: 32768,
    weights: "q4_k_m",
  };

  it("loads in node-llama-cpp with the recipe's types and gives exactly tiny's replies", async () => {
    const { files } = await generateTestModel("llm-double", args, join(root, "llm"));
    const info = await readGgufFileInfo(files[0]!);
    expect(info.metadata.general.architecture).toBe("qwen2");
    expect(new Set((info.fullTensorInfo ?? []).map((t) => Number(t.ggmlType)))).toEqual(new Set([0, 6, 8, 12, 14]));
    expect((info.metadata.tokenizer.ggml as { tokens: readonly string[] }).tokens).toHaveLength(3000);

    const llama = await getLlama({ gpu: false, build: "never", logLevel: LlamaLogLevel.error });
    const model = await llama.loadModel({ modelPath: files[0]! });
    const context = await model.createContext({ contextSize: 2048, threads: 1 });
    try {
      const session = new LlamaChatSession({
        contextSequence: context.getSequence(),
        chatWrapper: resolveChatWrapper(model),
      });
      const ask = async (text: string) => {
        session.resetChatHistory();
        return session.prompt(text, { temperature: 0, maxTokens: 200 });
      };
      expect(await ask("The callback is scheduled.")).toBe(TINY_DEFAULTS.llmRules[0]!.reply);
      expect(await ask("It is urgent, the basement is flooding")).toBe(TINY_DEFAULTS.llmRules[1]!.reply);
      expect(await ask("hi there")).toBe(TINY_DEFAULTS.llmDefaultReply);
    } finally {
      await context.dispose();
      await model.dispose();
    }
  }, 120_000);

  it("rejects shapes the script cannot live in, with a clear reason", async () => {
    await expect(
      generateTestModel("llm-double", { ...args, embeddingLength: 64, headCount: 4 }, join(root, "narrow")),
    ).rejects.toThrow(/residual dimensions|head size/);
    await expect(
      generateTestModel("llm-double", { ...args, vocabSize: 100 }, join(root, "small-vocab")),
    ).rejects.toThrow(/the script needs \d+ tokens/);
    await expect(generateTestModel("llm-double", { ...args, headCount: 5 }, join(root, "odd"))).rejects.toThrow(
      /not a multiple/,
    );
  });
});

describe("ONNX doubles give their tiny twin's output", () => {
  const audio = toneBursts(6);
  const generate = async (name: Parameters<typeof generateTestModel>[0], args: Record<string, unknown>) =>
    join(root, name + JSON.stringify(args).replace(/\W/g, "")) +
    "/" +
    (await generateTestModel(name, args, join(root, name + JSON.stringify(args).replace(/\W/g, "")))).files[0]!.split(
      "/",
    ).pop();
  const dirOf = (file: string) => file.slice(0, file.lastIndexOf("/"));
  const online = (dir: string) => ({
    featConfig: { sampleRate: 16000, featureDim: 80 },
    modelConfig: {
      toneCtc: { model: `${dir}/model.onnx` },
      tokens: `${dir}/tokens.txt`,
      numThreads: 1,
      provider: "cpu",
      debug: 0,
    },
    decodingMethod: "greedy_search",
  });
  const offline = (dir: string) => ({
    featConfig: { sampleRate: 16000, featureDim: 80 },
    modelConfig: {
      zipformerCtc: { model: `${dir}/model.onnx` },
      tokens: `${dir}/tokens.txt`,
      numThreads: 1,
      provider: "cpu",
      debug: 0,
    },
    decodingMethod: "greedy_search",
  });
  const tts = (dir: string) => ({
    model: {
      vits: { model: `${dir}/model.onnx`, tokens: `${dir}/tokens.txt` },
      numThreads: 1,
      debug: 0,
      provider: "cpu",
    },
    maxNumSentences: 1,
  });

  it.each(["zipformer-en-20m-2023-02-17", "zipformer-en-2023-06-26"])(
    "streaming double of %s hears tiny's words",
    async (standIn) => {
      const tiny = dirOf(await generate("tone-asr-streaming", {}));
      const dbl = dirOf(await generate("asr-streaming-double", { standIn, scale: 0.05 }));
      const expected = streamingMs(online(tiny), audio, 16000);
      expect(expected.text.split(" ").length).toBeGreaterThan(3);
      expect(streamingMs(online(dbl), audio, 16000).text).toBe(expected.text);
    },
    60_000,
  );

  it.each(["whisper-tiny.en-int8", "whisper-base.en-int8"])(
    "batch double of %s transcribes as tiny",
    async (standIn) => {
      const tiny = dirOf(await generate("tone-asr-batch", {}));
      const dbl = dirOf(await generate("asr-batch-double", { standIn, scale: 0.01 }));
      const expected = batchMs(offline(tiny), audio, 16000);
      expect(expected.text.split(" ").length).toBeGreaterThan(3);
      expect(batchMs(offline(dbl), audio, 16000).text).toBe(expected.text);
    },
    60_000,
  );

  it("TTS double makes tiny's samples", async () => {
    const { loadSherpa } = await import("../../../src/engines/worker/sherpa.js");
    const tiny = new (loadSherpa().OfflineTts)(tts(dirOf(await generate("tone-tts", {}))));
    const dbl = new (loadSherpa().OfflineTts)(
      tts(dirOf(await generate("tts-double", { standIn: "piper-en_us-amy-low", scale: 0.02 }))),
    );
    const text = "Thanks for calling. How can I help you today?";
    const a = await tiny.generateAsync({ text, sid: 0, speed: 1 });
    const b = await dbl.generateAsync({ text, sid: 0, speed: 1 });
    expect(b.samples.length).toBe(a.samples.length);
    expect(Buffer.from(b.samples.buffer).equals(Buffer.from(a.samples.buffer))).toBe(true);
    expect((await ttsMs(tts(dirOf(await generate("tone-tts", {}))), text)).samples).toBe(a.samples.length);
  }, 60_000);

  it.each(["v4", "v5"])(
    "silero %s-shaped VAD double finds the loud windows and only those",
    async (silero) => {
      const dir = dirOf(await generate("vad-double", { silero }));
      const { loadSherpa } = await import("../../../src/engines/worker/sherpa.js");
      const vad = new (loadSherpa().Vad)(
        {
          sileroVad: {
            model: `${dir}/model.onnx`,
            threshold: 0.5,
            minSilenceDuration: 0.2,
            minSpeechDuration: 0.1,
            windowSize: 512,
            maxSpeechDuration: 30,
          },
          sampleRate: 16000,
          numThreads: 1,
          provider: "cpu",
          debug: 0,
        },
        60,
      );
      const segments: { start: number; end: number }[] = [];
      for (let i = 0; i + 512 <= audio.length; i += 512) {
        vad.acceptWaveform(audio.subarray(i, i + 512));
        while (!vad.isEmpty()) {
          const s = vad.front(false);
          segments.push({ start: s.start / 16000, end: (s.start + s.samples.length) / 16000 });
          vad.pop();
        }
      }
      // Tone bursts: 0.5 s loud from every whole second; the last may still be open at the end.
      expect(segments.length).toBeGreaterThanOrEqual(5);
      segments.forEach((s, i) => expect(Math.abs(s.start - i)).toBeLessThan(0.15));
      expect(
        vadMs(
          {
            sileroVad: {
              model: `${dir}/model.onnx`,
              threshold: 0.5,
              minSilenceDuration: 0.2,
              minSpeechDuration: 0.1,
              windowSize: 512,
              maxSpeechDuration: 30,
            },
            sampleRate: 16000,
            numThreads: 1,
            provider: "cpu",
            debug: 0,
          },
          audio,
        ),
      ).toBeGreaterThan(0);
    },
    60_000,
  );
});
