import { readdirSync, readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEngine } from "../../../src/engines/factory.js";
import { onlineRecognizerConfig } from "../../../src/engines/sherpa-config.js";
import type { BatchAsr, LlmDelta, LlmEngine, TtsEngine } from "../../../src/engines/types.js";
import { LiveStatsWriter } from "../../../src/engines/worker/live-stats.js";
import { loadSherpa } from "../../../src/engines/worker/sherpa.js";
import { StreamBatcher } from "../../../src/engines/worker/stream-batcher.js";
import { concat, frames, silence, toneBursts } from "../../helpers/audio.js";
import { generatedModel, testConfig } from "../../helpers/models.js";

/**
 * Engines shared by live calls and batch work, on the tiny test models: live
 * work goes first, batch work has its own LLM sequences, streaming ASR decodes
 * all calls' streams in one batch, batch ASR yields the CPU. Speed itself is
 * measured by `parley bench`, not here.
 */
const text = async (s: AsyncIterable<LlmDelta>) => {
  let out = "";
  for await (const d of s) if (d.type === "text") out += d.text;
  return out;
};

describe("LLM shared by live calls and batch work", () => {
  let llm: LlmEngine;
  beforeAll(async () => {
    llm = await createEngine(
      "llm",
      await generatedModel("tiny-llm"),
      testConfig({ engines: { llm: { parallel: 1, batchParallel: 1 } } }),
    );
  });
  afterAll(async () => llm?.dispose());

  it("runs batch work on its own sequence: a live chat never waits behind it for a slot", async () => {
    const batch = text(
      llm.chat([{ role: "user", content: "Hello there" }], { signal: AbortSignal.timeout(30_000), priority: "batch" }),
    );
    const live = text(llm.chat([{ role: "user", content: "Hello there" }], { signal: AbortSignal.timeout(30_000) }));
    // Both started at once with one live and one batch sequence: nobody queued for a slot.
    expect((llm as unknown as { queued: number }).queued).toBe(0);
    const [b, l] = await Promise.all([batch, live]);
    expect(l.length).toBeGreaterThan(0);
    expect(b).toBe(l); // same prompt, same greedy reply, whichever sequence and priority
  });

  it("counts a live chat's wait for a busy live sequence as queueing delay", async () => {
    const fresh = await createEngine(
      "llm",
      await generatedModel("tiny-llm"),
      testConfig({ engines: { llm: { parallel: 1, batchParallel: 1 } } }),
    );
    try {
      const snapshot = () => (fresh as unknown as { loadSnapshot(): { slotWaitMs: number } }).loadSnapshot();
      expect(fresh.liveQueueDelayMs).toBe(0);
      const signal = AbortSignal.timeout(30_000);
      // One live sequence: the second chat waits for the whole first reply.
      const started = performance.now();
      let firstDone = 0;
      await Promise.all([
        text(fresh.chat([{ role: "user", content: "Hello one" }], { signal })).then(
          () => (firstDone = performance.now() - started),
        ),
        text(fresh.chat([{ role: "user", content: "Hello two" }], { signal })),
      ]);
      // Two samples, ~0 and ~firstDone: the average lies between them, well above zero.
      expect(snapshot().slotWaitMs).toBeGreaterThan(0.05 * firstDone);
      expect(fresh.liveQueueDelayMs).toBeGreaterThan(0);
    } finally {
      await fresh.dispose();
    }
  });
});

describe("TTS renders live sentences before queued batch renders", () => {
  let tts: TtsEngine;
  beforeAll(async () => {
    tts = await createEngine(
      "tts",
      await generatedModel("tiny-tts"),
      testConfig({ engines: { tts: { concurrency: 1 } } }),
    );
  });
  afterAll(async () => tts?.dispose());

  it("a live sentence requested after three batch renders finishes second", async () => {
    const finished: string[] = [];
    const render = async (name: string, priority: "live" | "batch") => {
      for await (const _ of tts.synthesize(`Rendering piece ${name} with a few words`, {
        signal: AbortSignal.timeout(30_000),
        priority,
      }))
        void _;
      finished.push(name);
    };
    // All four reach the worker together: the first batch render starts, the live one jumps the queue.
    await Promise.all([
      render("batch-1", "batch"),
      render("batch-2", "batch"),
      render("batch-3", "batch"),
      render("live", "live"),
    ]);
    expect(finished).toEqual(["batch-1", "live", "batch-2", "batch-3"]);
    expect(tts.liveQueueDelayMs).toBeGreaterThan(0);
  });
});

describe("streaming ASR decodes every call's stream in one batch", () => {
  it("feeds four streams their audio and decodes them in runs of four, each with its own words", async () => {
    const ref = await generatedModel("tiny-asr-streaming");
    const recognizer = new (loadSherpa().OnlineRecognizer)(onlineRecognizerConfig(ref, testConfig().engines.asr));
    const batcher = new StreamBatcher(recognizer, new LiveStatsWriter(undefined));
    const rate = 16000;
    const audio = concat(toneBursts({ sampleRate: rate, bursts: 3, burstMs: 300, gapMs: 300 }), silence(rate, 2500));
    const finals: string[][] = [[], [], [], []];
    const streams = finals.map((out) => {
      const s = batcher.open(() => {
        if (recognizer.isEndpoint(s.stream)) {
          const t = recognizer.getResult(s.stream).text.trim();
          if (t) out.push(t);
          recognizer.reset(s.stream);
        }
      });
      return s;
    });
    // As RTP delivers it: 20 ms of every call, then the next 20 ms of every call.
    for (const chunk of frames(audio, rate / 50)) {
      for (const s of streams) s.accept(chunk, rate, 0);
      await new Promise((r) => setImmediate(r));
    }
    expect(finals).toEqual([["hello i would"], ["hello i would"], ["hello i would"], ["hello i would"]]);
    expect(Math.max(...batcher.batchSizes)).toBe(4);
    expect(batcher.batchSizes.every((n) => n === 4)).toBe(true);
  });
});

describe("batch ASR yields the CPU to live work", () => {
  let asr: BatchAsr;
  afterAll(async () => asr?.dispose());

  const niceOfTask = (t: string) =>
    Number(readFileSync(`/proc/self/task/${t}/stat`, "utf8").split(") ")[1]!.split(" ")[16]);
  const base = niceOfTask(String(process.pid)); // the main thread: whatever nice the test runner was started at
  // At nice 19 already (a runner started under `nice -n 19`) there is no lower priority to show.
  it.skipIf(base >= 19)(
    `runs its worker thread at a lower scheduling priority (nice +10) than the rest of the process${base >= 19 ? " (skipped: the runner is at nice 19 already)" : ""}`,
    async () => {
      const niceOf = () => readdirSync("/proc/self/task").map(niceOfTask);
      const lowered = Math.min(19, base + 10);
      expect(niceOf()).not.toContain(lowered);
      asr = await createEngine("asr-batch", await generatedModel("tiny-asr-batch"), testConfig());
      expect(niceOf()).toContain(lowered);
      expect(niceOf()).toContain(base); // the rest of the process, live engines included, is untouched
    },
  );
});
