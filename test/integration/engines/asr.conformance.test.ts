import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createEngine } from "../../../src/engines/factory.js";
import type { AsrEvent, AsrStream, BatchAsr, StreamingAsr } from "../../../src/engines/types.js";
import { Resampler } from "../../../src/audio/index.js";
import { concat, frames, silence, toneBursts } from "../../helpers/audio.js";
import { generatedModel, testConfig } from "../../helpers/models.js";

/**
 * Conformance suites for streaming and batch ASR, on the scripted test models:
 * every loud 300 ms burst is "heard" as the next word of the model's script,
 * so the expected transcript is known exactly. No real ASR weights can be had
 * on these machines (MODELS.md); the suites take any model that meets the
 * same contract.
 */
const STREAMING_SCRIPT = ["hello", "i", "would", "like"];
const BATCH_SCRIPT = ["hello", "this", "is", "alice"];
const RATE = 16000;
const utterance = (rate: number) =>
  concat(toneBursts({ sampleRate: rate, bursts: 4, burstMs: 300, gapMs: 300 }), silence(rate, 2500));

async function drive(
  asr: StreamingAsr,
  audio: Float32Array,
  rate: number,
  signal = AbortSignal.timeout(30_000),
): Promise<AsrEvent[]> {
  const stream = asr.open({ signal });
  const events: AsrEvent[] = [];
  const reader = (async () => {
    for await (const e of stream) events.push(e);
  })();
  for (const f of frames(audio, rate / 50)) stream.push({ samples: f, sampleRate: rate });
  stream.end();
  await reader;
  return events;
}

/** Reads a stream's events as they come. */
function collect(stream: AsrStream): { events: AsrEvent[]; done: Promise<void> } {
  const events: AsrEvent[] = [];
  const done = (async () => {
    for await (const e of stream) events.push(e);
  })();
  return { events, done };
}

describe("streaming ASR conformance: tiny scripted model", () => {
  let asr: StreamingAsr;
  beforeAll(async () => {
    asr = await createEngine("asr-streaming", await generatedModel("tiny-asr-streaming"), testConfig());
  });
  afterAll(async () => asr?.dispose());

  it("emits growing partials, one final with the utterance, then an endpoint on trailing silence", async () => {
    const events = await drive(asr, utterance(RATE), RATE);
    const partials = events.filter((e) => e.type === "partial").map((e) => (e as { text: string }).text);
    expect(partials[0]).toBe("hello");
    expect(partials[partials.length - 1]).toBe(STREAMING_SCRIPT.join(" "));
    const finals = events.filter((e) => e.type === "final");
    expect(finals.map((e) => (e as { text: string }).text)).toEqual([STREAMING_SCRIPT.join(" ")]);
    const finalIndex = events.findIndex((e) => e.type === "final");
    expect(events[finalIndex + 1]?.type).toBe("endpoint");
    // The endpoint comes after the speech, inside the trailing silence.
    const endpoint = events[finalIndex + 1] as { audioMs: number };
    expect(endpoint.audioMs).toBeGreaterThan(2400);
  });

  it("takes audio at the telephone rate (8 kHz) as well", async () => {
    const events = await drive(asr, utterance(8000), 8000);
    expect(events.filter((e) => e.type === "final").map((e) => (e as { text: string }).text)).toEqual([
      STREAMING_SCRIPT.join(" "),
    ]);
  });

  it("recognises two utterances in one stream as two finals", async () => {
    const events = await drive(asr, concat(utterance(RATE), utterance(RATE)), RATE);
    expect(events.filter((e) => e.type === "final")).toHaveLength(2);
  });

  it("hears nothing in silence", async () => {
    const events = await drive(asr, silence(RATE, 3000), RATE);
    expect(events.filter((e) => e.type !== "endpoint")).toEqual([]);
  });

  it("finalize gives up the word it holds back, as a final and an endpoint, with no more audio; a fresh utterance follows", async () => {
    // Four bursts, the last one ending the audio: decoded a chunk behind, its word waits for audio that never comes.
    const speech = toneBursts({ sampleRate: 8000, bursts: 4, burstMs: 300, gapMs: 300 }).subarray(0, 8 * 2100);
    const stream = asr.open({ signal: AbortSignal.timeout(30_000) });
    const { events, done } = collect(stream);
    const endpoints = () => events.filter((e) => e.type === "endpoint");
    for (let round = 1; round <= 2; round++) {
      for (const f of frames(speech, 160)) stream.push({ samples: f, sampleRate: 8000 });
      stream.finalize();
      await vi.waitFor(() => expect(endpoints()).toHaveLength(round), { timeout: 20_000 });
    }
    stream.end();
    await done;
    // Each round's final has all four words; the script starts again after the first (a fresh utterance).
    expect(events.filter((e) => e.type === "final").map((e) => (e as { text: string }).text)).toEqual([
      STREAMING_SCRIPT.join(" "),
      STREAMING_SCRIPT.join(" "),
    ]);
    // The padding is not the caller's audio: the endpoints are at the ends of the audio pushed (2.1 s, 4.2 s).
    expect(endpoints().map((e) => e.audioMs)).toEqual([2100, 4200, 4200]);
  });

  it("finalize before any audio answers with an endpoint alone", async () => {
    const stream = asr.open({ signal: AbortSignal.timeout(30_000) });
    const { events, done } = collect(stream);
    stream.finalize();
    await vi.waitFor(() => expect(events).toEqual([{ type: "endpoint", audioMs: 0 }]), { timeout: 20_000 });
    stream.end();
    await done;
  });

  it("stops when aborted and emits nothing after", async () => {
    const controller = new AbortController();
    const stream = asr.open({ signal: controller.signal });
    const events: AsrEvent[] = [];
    const reader = (async () => {
      for await (const e of stream) events.push(e);
    })();
    controller.abort();
    for (const f of frames(utterance(RATE), 320)) stream.push({ samples: f, sampleRate: RATE });
    await reader;
    expect(events).toEqual([]);
  });
});

describe("batch ASR conformance: tiny scripted model", () => {
  let asr: BatchAsr;
  beforeAll(async () => {
    asr = await createEngine("asr-batch", await generatedModel("tiny-asr-batch"), testConfig());
  });
  afterAll(async () => asr?.dispose());

  it("transcribes a whole recording and reports its duration", async () => {
    const audio = utterance(RATE);
    const t = await asr.transcribe({ samples: audio, sampleRate: RATE }, { signal: AbortSignal.timeout(30_000) });
    expect(t.text).toBe(BATCH_SCRIPT.join(" "));
    expect(t.durationMs).toBe(Math.round((audio.length * 1000) / RATE));
    expect(t.tokens.length).toBeGreaterThan(0);
  });

  it("gives the same words for the same audio resampled to 8 kHz", async () => {
    const audio = utterance(RATE);
    const down = new Resampler(RATE, 8000).process(audio);
    const t = await asr.transcribe({ samples: down, sampleRate: 8000 }, { signal: AbortSignal.timeout(30_000) });
    expect(t.text).toBe(BATCH_SCRIPT.join(" "));
  });

  it("returns empty text for silence", async () => {
    const t = await asr.transcribe(
      { samples: silence(RATE, 2000), sampleRate: RATE },
      { signal: AbortSignal.timeout(30_000) },
    );
    expect(t.text).toBe("");
  });

  it("rejects at once when aborted", async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(
      asr.transcribe({ samples: utterance(RATE), sampleRate: RATE }, { signal: controller.signal }),
    ).rejects.toThrow(/abort/i);
  });
});
