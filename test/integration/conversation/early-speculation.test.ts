import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { liveTurnSettings } from "../../../src/agent/turn-taking/settings.js";
import { createEngine } from "../../../src/engines/factory.js";
import type { LlmEngine, StreamingAsr, TtsEngine, TurnDetector, VadEngine } from "../../../src/engines/types.js";
import { audible, openLine, silencePcm, until, wavTo8k, type Line } from "../../helpers/line.js";
import { generatedModel, sileroRef, testConfig } from "../../helpers/models.js";
import { fliteMissing, speechWav } from "../../helpers/speech.js";
import { concatPcm } from "../../helpers/audio.js";
import { TINY_REPLY as REPLY, assistantLines, conversations, replies } from "../../helpers/live-conversation.js";

/**
 * The speculative reply started at the turn model's early question, on a
 * real RTP line with the tiny engines. The VAD's own minimum silence is 3 s
 * here, so any pause the conversation acts on within the turn comes from the
 * early-silence detector: a reply that exists when the model decides was
 * started at the early question. tiny-turn calls a turn complete once it has
 * heard 1.5 s of speech. What happened is read from the turn records and the
 * audio heard, never from timings.
 */
describe.skipIf(fliteMissing)("live conversation: the speculative reply at the early question", () => {
  let vad: VadEngine;
  let asr: StreamingAsr;
  let llm: LlmEngine;
  let tts: TtsEngine;
  let turn: TurnDetector;
  let line: Line;
  let sentence: Int16Array;
  let pausing: Int16Array;

  beforeAll(async () => {
    const config = testConfig({ engines: { vad: { minSilenceMs: 3000 } } });
    vad = await createEngine("vad", sileroRef(), config);
    // Two words, both out long before a sentence ends, and no recogniser endpoint: the words at the early question
    // are the final ones, whatever the timing.
    asr = await createEngine(
      "asr-streaming",
      await generatedModel("tiny-asr-streaming", { words: ["hello", "there"] }, "-hello-there"),
      testConfig({ engines: { asr: { endpointIdleMs: 20_000 } } }),
    );
    llm = await createEngine("llm", await generatedModel("tiny-llm"), config);
    tts = await createEngine("tts", await generatedModel("tiny-tts"), config);
    turn = await createEngine("turn", await generatedModel("tiny-turn"), config);
    // No comma: flite pauses at one, and the early question at that pause would start (and drop) a reply too.
    sentence = concatPcm(wavTo8k(speechWav("I would like to book a table for two tomorrow.")), silencePcm(400));
    // Half a second of speech (a pause to tiny-turn), 900 ms of silence, then the rest.
    pausing = concatPcm(
      wavTo8k(speechWav("Hello.")),
      silencePcm(900),
      wavTo8k(speechWav("I would like to book a table for two tomorrow.")),
      silencePcm(400),
    );
  }, 240_000);
  afterAll(async () => Promise.all([vad, asr, llm, tts, turn].map((e) => e?.dispose())));
  const calls = conversations();
  afterEach(async () => {
    await calls.stopAll();
    await line?.close();
  });

  function start(speculateEarly = true) {
    // A 5 s deadline while the model is in use: only its early verdict ends these turns sooner.
    return calls.start(line, {
      live: { turn: { endpointSilenceMs: 5000 } },
      engines: { vad, asrStreaming: asr, llm, tts },
      callId: "early-speculation-test",
      turn: (agent) =>
        liveTurnSettings(
          agent.live,
          { model: true, askAfterMs: 200, speculative: true, speculateEarly, readAhead: false },
          turn,
        ),
    });
  }

  it("starts the reply at the early question and keeps it when the model says complete", async () => {
    line = await openLine();
    const c = start();
    await until(() => c.turns.some((t) => t.source === "greeting"), 10_000, "the greeting");
    await line.say(sentence);
    await until(() => replies(c.turns).length > 0, 15_000, "the reply");
    const reply = replies(c.turns)[0]!;
    expect(reply.text).toBe(REPLY);
    expect(reply.timing?.endedBy).toBe("model");
    expect(reply.timing?.turnModel?.early).toBe(true);
    // Without a reply started at the early question there would be none to keep (the VAD's pause is 3 s away).
    expect(reply.timing?.speculation).toEqual({ kept: true, discarded: 0 });
    c.end();
    const r = await c.result;
    expect(assistantLines(r)).toEqual(["Hello, you are through to Acme.", REPLY]);
  });

  it("control: with speculateEarly off (the default) no reply starts at the early question", async () => {
    line = await openLine();
    const c = start(false);
    await until(() => c.turns.some((t) => t.source === "greeting"), 10_000, "the greeting");
    await line.say(sentence);
    await until(() => replies(c.turns).length > 0, 15_000, "the reply");
    const reply = replies(c.turns)[0]!;
    expect(reply.text).toBe(REPLY);
    expect(reply.timing?.endedBy).toBe("model");
    expect(reply.timing?.turnModel?.early).toBe(true);
    // The reply started at the verdict: no speculative reply was kept or discarded.
    expect(reply.timing?.speculation).toBeUndefined();
  });

  it("discards the reply started at an early pause when the caller goes on, and nothing of it is heard", async () => {
    line = await openLine();
    const c = start();
    await until(() => c.turns.some((t) => t.source === "greeting"), 10_000, "the greeting");
    await until(() => !line.agent.playing, 10_000, "the greeting to finish playing");
    const quietFrom = performance.now() + 300; // the jitter buffer's tail of the greeting
    await line.say(pausing);
    await until(() => replies(c.turns).length > 0, 15_000, "the reply");
    const user = c.turns.filter((t) => t.role === "user");
    const reply = replies(c.turns)[0]!;
    expect(user).toHaveLength(1);
    // The reply started on "hello" at the early question was thrown away when the caller went on; the one started
    // at the second early question, on the final words, was kept.
    expect(reply.timing?.speculation?.discarded).toBeGreaterThanOrEqual(1);
    expect(reply.timing?.speculation?.kept).toBe(true);
    expect(reply.timing?.endedBy).toBe("model");
    // The caller heard nothing between the greeting and the end of their turn: no stale reply.
    expect(audible(line.heard, quietFrom, user[0]!.heardAt)).toBe(0);
    await until(() => audible(line.heard, user[0]!.heardAt) > 20, 10_000, "the reply's audio");
    c.end();
    const r = await c.result;
    expect(assistantLines(r)).toEqual(["Hello, you are through to Acme.", REPLY]);
  });
});
