import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseAgent } from "../../../src/agent/load.js";
import { Conversation } from "../../../src/agent/conversation/conversation.js";
import type { ConversationResult, TurnRecord } from "../../../src/agent/conversation/types.js";
import { createEngine } from "../../../src/engines/factory.js";
import type { ModelRef } from "../../../src/engines/model-ref.js";
import type { LlmEngine, StreamingAsr, TtsEngine, VadEngine } from "../../../src/engines/types.js";
import { silentLogger } from "../../../src/lib/logger.js";
import { openFastLine, type FastLine } from "../../helpers/fast-line.js";
import { until, wait } from "../../helpers/line.js";
import { generatedModel, sileroRef, testConfig } from "../../helpers/models.js";

/**
 * Turns that fail, on the tiny engines and a line at 10x real time: the
 * caller hears the fallback line, the turn is recorded as failed (not
 * interrupted), and after three failures in a row the agent offers to take a
 * message. The failures are real: a tool whose service throws, and an LLM
 * whose context (256 tokens) cannot hold the agent's prompt and tools.
 */
const SPEED = 10;
const CHUNK = 2400;
const FALLBACK = "Sorry, I didn't catch that. Could you say it again?";
const OFFER =
  "I'm sorry, I'm having trouble on my side. Would you like to leave a message for the team? Say yes, or press 1.";
const DECLINED = "All right. How else can I help?";

/** The tiny scripted LLM with a deliberately tiny context. */
async function tinyContext(): Promise<ModelRef> {
  const ref = await generatedModel("tiny-llm");
  return { ...ref, model: { ...ref.model, config: { ...ref.model.config, contextSize: 256 } } };
}

describe("failed turns", () => {
  let vad: VadEngine;
  const asr: Record<"callback" | "yes" | "no" | "hello", StreamingAsr> = {} as never;
  let llm: LlmEngine;
  let smallLlm: LlmEngine;
  let tts: TtsEngine;

  beforeAll(async () => {
    const config = testConfig();
    vad = await createEngine("vad", sileroRef(), config);
    for (const [name, words] of [
      ["callback", ["please", "call", "me", "back"]],
      ["yes", ["yes"]],
      ["no", ["no"]],
      ["hello", ["hello"]],
    ] as const) {
      asr[name] = await createEngine(
        "asr-streaming",
        await generatedModel("tiny-asr-streaming", { words: [...words] }, `-${name}`),
        config,
      );
    }
    llm = await createEngine("llm", await generatedModel("tiny-llm"), config);
    smallLlm = await createEngine("llm", await tinyContext(), config);
    tts = await createEngine("tts", await generatedModel("tiny-tts"), config);
  });
  afterAll(async () => Promise.all([vad, ...Object.values(asr), llm, smallLlm, tts].map((e) => e?.dispose())));

  function start(o: {
    asr: StreamingAsr;
    llm: LlmEngine;
    live?: Record<string, unknown>;
    scheduleCallback?: () => Promise<{ jobId: number }>;
  }) {
    const line = openFastLine({ speed: SPEED });
    const turns: TurnRecord[] = [];
    const hangups: string[] = [];
    const controller = new AbortController();
    const conversation = new Conversation({
      agent: parseAgent(
        {
          name: "test",
          systemPrompt: "You are a helpful receptionist. Keep replies short.",
          tools: [
            { type: "builtin", name: "schedule_callback" },
            { type: "builtin", name: "hangup" },
          ],
          live: { greeting: "Hello, you are through to Acme.", silenceTimeoutMs: 20_000, ...o.live },
        },
        "test",
      ),
      engines: { vad, asrStreaming: o.asr, llm: o.llm, tts },
      audio: line.audio,
      control: {
        hangup: async (reason) => {
          hangups.push(reason);
          controller.abort();
        },
        transfer: async () => ({ status: 503, reason: "no transfers in this test" }),
      },
      toolServices: {
        timeZone: "UTC",
        now: () => new Date("2026-11-25T12:00:00Z"),
        scheduleCallback: o.scheduleCallback ?? (async () => ({ jobId: 7 })),
      },
      callId: "test-call",
      caller: "+14155550100",
      logger: silentLogger(),
      echoMarginDb: 15,
      onTurn: (t) => turns.push(t),
    });
    const result: Promise<ConversationResult> = conversation.run(controller.signal);
    const replies = () => turns.filter((t) => t.role === "agent" && t.source === "speech");
    /** The caller says `words` words (the scripted recogniser's first ones): loud chunks aligned to its own, then silence for its endpoint. */
    const utter = async (words: number) => {
      const lead = (CHUNK - (line.sentSamples % CHUNK)) % CHUNK;
      const pcm = new Int16Array(lead + words * CHUNK + 11 * CHUNK);
      for (let i = 0; i < words * CHUNK; i++)
        pcm[lead + i] = Math.round(9000 * Math.sin((2 * Math.PI * 300 * i) / 8000));
      await line.say(pcm);
    };
    /** Says `words` words and waits for the agent's answer. */
    const say = async (words: number) => {
      const before = replies().length;
      await utter(words);
      await until(() => replies().length > before, 20_000, "the agent's answer");
      return replies()[replies().length - 1]!;
    };
    const end = async () => {
      controller.abort();
      const r = await result;
      line.close();
      return r;
    };
    return {
      conversation,
      line,
      turns,
      hangups,
      result,
      replies,
      utter,
      say,
      end,
      greeted: () => until(() => turns.some((t) => t.source === "greeting"), 10_000, "the greeting"),
    };
  }

  async function threeFailures(c: ReturnType<typeof start>): Promise<TurnRecord[]> {
    await c.greeted();
    const failed = [await c.say(1), await c.say(1), await c.say(1)];
    return failed;
  }

  it("a tool that throws: the caller hears the fallback line, the turn is recorded as failed, and the call goes on", async () => {
    const c = start({
      asr: asr.callback,
      llm,
      scheduleCallback: async () => Promise.reject(new Error("the job queue is not available")),
    });
    try {
      await c.greeted();
      const heardBefore = c.line.heardSamples;
      const turn = await c.say(4); // "please call me back": the model calls schedule_callback
      expect(turn).toMatchObject({
        text: FALLBACK,
        failed: true,
        failure: { stage: "tool", message: "the job queue is not available" },
      });
      expect(turn.interrupted).toBeUndefined();
      expect(turn.toolCalls).toEqual([
        {
          name: "schedule_callback",
          arguments: { when: "tomorrow 10:00", topic: "order" },
          result: { error: "the tool failed" },
        },
      ]);
      expect(c.line.heardSamples - heardBefore).toBeGreaterThan(FALLBACK.length * 0.5 * 8000 * 0.016); // the line was played
      // The call is still up, listening: no hang-up, no outcome.
      await wait(300);
      expect(c.hangups).toEqual([]);
    } finally {
      const r = await c.end();
      expect(r.outcome).toBe("caller_hangup");
      // The history has the call, its error result and the fallback: the model knows what happened.
      expect(r.history.slice(-3)).toMatchObject([
        { role: "assistant", toolCalls: [{ name: "schedule_callback" }] },
        { role: "tool", content: '{"error":"the tool failed"}' },
        { role: "assistant", content: FALLBACK },
      ]);
    }
  });

  it("a context too small for the prompt: fallback twice, then the offer; keypad 1 takes the message", async () => {
    const c = start({ asr: asr.hello, llm: smallLlm });
    try {
      const failed = await threeFailures(c);
      expect(failed.map((t) => t.text)).toEqual([FALLBACK, FALLBACK, OFFER]);
      for (const t of failed) {
        expect(t).toMatchObject({ failed: true, failure: { stage: "context" } });
        expect(t.failure!.message).toMatch(/^the prompt needs \d+ tokens .* the model's context holds 256/);
        expect(t.interrupted).toBeUndefined();
      }
      c.conversation.dtmf("1");
      const r = await c.result;
      expect(r.outcome).toBe("message_taken");
      expect(r.turns[r.turns.length - 1]).toMatchObject({ role: "user", source: "dtmf" });
    } finally {
      await c.end();
    }
  });

  it("a spoken yes to the offer takes the message", async () => {
    const c = start({ asr: asr.yes, llm: smallLlm });
    try {
      await threeFailures(c);
      await c.utter(1);
      const r = await c.result;
      expect(r.outcome).toBe("message_taken");
      expect(r.turns[r.turns.length - 1]).toMatchObject({ role: "user", text: "yes" });
    } finally {
      await c.end();
    }
  });

  it("no answer to the offer takes the message", async () => {
    const c = start({ asr: asr.hello, llm: smallLlm, live: { silenceTimeoutMs: 2000 } });
    try {
      await threeFailures(c);
      const offeredAt = performance.now();
      const r = await c.result;
      expect(r.outcome).toBe("message_taken");
      expect(performance.now() - offeredAt).toBeGreaterThan(1500);
      expect(r.turns.filter((t) => t.source === "reprompt")).toEqual([]);
    } finally {
      await c.end();
    }
  });

  it("a spoken no goes on with the call, and the count of failures starts again", async () => {
    const c = start({ asr: asr.no, llm: smallLlm });
    try {
      await threeFailures(c);
      const before = c.turns.length;
      await c.utter(1);
      await until(
        () => c.turns.some((t, i) => i >= before && t.source === "fallback"),
        10_000,
        "the reply to the declined offer",
      );
      expect(c.turns.slice(before).map((t) => [t.role, t.text])).toEqual([
        ["user", "no"],
        ["agent", DECLINED],
      ]);
      // The next failure is the first of a new run: the fallback line, not the offer.
      const next = await c.say(1);
      expect(next).toMatchObject({ text: FALLBACK, failed: true });
    } finally {
      const r = await c.end();
      expect(r.outcome).toBe("caller_hangup");
    }
  });

  it("a keypad press other than 1 declines the offer", async () => {
    const c = start({ asr: asr.hello, llm: smallLlm, live: { messageOfferAfter: 2 } });
    try {
      await c.greeted();
      expect([(await c.say(1)).text, (await c.say(1)).text]).toEqual([FALLBACK, OFFER]);
      c.conversation.dtmf("2");
      await until(() => c.turns.some((t) => t.source === "fallback"), 10_000, "the reply to the declined offer");
      expect(c.turns.find((t) => t.source === "fallback")?.text).toBe(DECLINED);
    } finally {
      const r = await c.end();
      expect(r.outcome).toBe("caller_hangup");
    }
  });
});
