/**
 * Opt-in (PARLEY_LOAD_TESTS=1): the double-against-real checks of issue 9
 * (stories260K and silero v4, ±15 % in the same run, interleaved), and the
 * real load profiles generated through the model store with tiny's scripted
 * behaviour on them. Heavy: minutes of CPU and ~1.5 GB of disk; never in CI.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { getLlama, LlamaChatSession, LlamaLogLevel, resolveChatWrapper } from "node-llama-cpp";
import { afterAll, describe, expect, it } from "vitest";
import { TINY_DEFAULTS } from "../../../scripts/test-models/index.js";
import { offlineRecognizerConfig, onlineRecognizerConfig } from "../../../src/engines/sherpa-config.js";
import { batchMs, streamingMs } from "../../../src/bench/doubles/onnx-rtf.js";
import { proveSilero, proveStories, readSpeech, toneBursts, TOLERANCE } from "../../../src/bench/doubles/proofs.js";
import { loadCatalog, ModelStore, pull, type ModelRole } from "../../../src/models/index.js";
import { fixtures, missingFixture } from "../../helpers/paths.js";
import { testConfig } from "../../helpers/models.js";

const optIn = process.env.PARLEY_LOAD_TESTS === "1" ? false : "set PARLEY_LOAD_TESTS=1 to run the load-profile tests (minutes of CPU, ~1.5 GB of disk)";
const root = mkdtempSync(join(tmpdir(), "parley-load-profiles-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe.skipIf(optIn)("load doubles against the real weights (same run)", () => {
  it.skipIf(missingFixture(fixtures.stories260k))("a double with stories260K's shapes decodes within ±15 % of stories260K", async () => {
    const proof = await proveStories(fixtures.stories260k, root, 60);
    expect(Math.abs(proof.ratio - 1), JSON.stringify(proof)).toBeLessThanOrEqual(TOLERANCE);
  }, 300_000);

  it("a silero-v4-shaped VAD double runs within ±15 % of silero v4's RTF", async () => {
    const proof = await proveSilero(testConfig(), root, 10, await readSpeech(fixtures.jfkWav));
    expect(Math.abs(proof.ratio - 1), JSON.stringify(proof)).toBeLessThanOrEqual(TOLERANCE);
  }, 300_000);
});

describe.skipIf(optIn).each(["load-small", "load-default"])("%s", (profile) => {
  const config = testConfig({ dataDir: join(root, "data") });
  const catalog = loadCatalog();
  const store = ModelStore.forConfig(config);

  it("generates with `models pull` (no download) and keeps tiny's replies and words", async () => {
    await pull(profile, { catalog, store });
    const { models } = catalog.resolveProfile(profile);
    const ref = (role: ModelRole) => ({ model: models[role], dir: store.dirOf(models[role].id) });

    const llama = await getLlama({ gpu: false, build: "never", logLevel: LlamaLogLevel.error });
    const model = await llama.loadModel({ modelPath: join(ref("llm").dir, "model.gguf") });
    const context = await model.createContext({ contextSize: 2048, threads: 2 });
    try {
      const session = new LlamaChatSession({ contextSequence: context.getSequence(), chatWrapper: resolveChatWrapper(model) });
      expect(await session.prompt("The callback is scheduled.", { temperature: 0, maxTokens: 40 })).toBe(TINY_DEFAULTS.llmRules[0]!.reply);
    } finally {
      await context.dispose();
      await model.dispose();
    }
    const audio = toneBursts(4);
    const asr = { ...config.engines.asr, threads: 1 };
    expect(streamingMs(onlineRecognizerConfig(ref("asrStreaming"), asr), audio, 16000).text.split(" ")[0]).toBe(TINY_DEFAULTS.streamingAsrWords[0]);
    expect(batchMs(offlineRecognizerConfig(ref("asrBatch"), asr), audio, 16000).text.split(" ")[0]).toBe(TINY_DEFAULTS.batchAsrWords[0]);
  }, 900_000);
});
