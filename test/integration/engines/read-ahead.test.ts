import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ContextWindow } from "../../../src/agent/conversation/context-window.js";
import { ReadAhead } from "../../../src/agent/conversation/read-ahead.js";
import { createEngine } from "../../../src/engines/factory.js";
import type { ChatMessage, LlmDelta, LlmEngine, LlmUsage, ToolSpec } from "../../../src/engines/types.js";
import { generatedModel, testConfig } from "../../helpers/models.js";

/**
 * Reading the caller's words into the LLM while they speak (LlmEngine.prefill)
 * on the tiny LLM. What is checked is what llama.cpp evaluated (the token
 * meter): the reply after a read-ahead evaluates only the words that came
 * after it, and says the same as a reply without one. The time it saves is
 * measured by `parley bench calls` on the load profiles.
 */
const SYSTEM: ChatMessage = {
  role: "system",
  content:
    "You are the receptionist of a dental practice. Answer in one short sentence. Opening hours are eight to six.",
};
const TOOLS: ToolSpec[] = [
  {
    name: "take_message",
    description: "Takes a message for the team.",
    parameters: { type: "object", properties: { text: { type: "string" } } },
  },
];
const GREETING: ChatMessage = { role: "assistant", content: "Hello, you are through to the practice." };
const turn = (words: string): ChatMessage[] => [SYSTEM, GREETING, { role: "user", content: words }];
const FINAL = "I would like to know your opening hours on Saturday please";

async function reply(
  llm: LlmEngine,
  messages: ChatMessage[],
  sessionKey: string,
  signal = AbortSignal.timeout(60_000),
) {
  let text = "";
  let usage: LlmUsage | null = null;
  for await (const d of llm.chat(messages, {
    signal,
    tools: TOOLS,
    sessionKey,
    maxTokens: 16,
  }) as AsyncIterable<LlmDelta>) {
    if (d.type === "text") text += d.text;
    if (d.type === "done") usage = d.usage;
  }
  if (!usage) throw new Error("no usage reported");
  return { text, usage };
}

describe("reading ahead (tiny LLM)", () => {
  let llm: LlmEngine;
  beforeAll(async () => {
    const model = await generatedModel("tiny-llm");
    llm = await createEngine("llm", model, testConfig({ engines: { llm: { parallel: 3, promptStates: 0 } } }));
  });
  afterAll(async () => {
    await llm?.dispose();
  });

  it("waits while another caller's turn may be ending (their hold is on), and reads once it is over", async () => {
    const signal = AbortSignal.timeout(60_000);
    const words = turn("I would like to know your opening");
    const other = llm.holdBatch!("other-caller");
    // Another caller paused: this caller's words wait for the next read, after their reply's first words.
    expect(await llm.prefill!(words, { sessionKey: "beside", tools: TOOLS, signal })).toBe(0);
    // This caller's own pause does not stop its own read-ahead.
    const own = llm.holdBatch!("beside");
    other();
    expect(await llm.prefill!(words, { sessionKey: "beside", tools: TOOLS, signal })).toBeGreaterThan(0);
    own();
  });

  it("the reply after a read-ahead evaluates only the words that followed it, and says the same", async () => {
    const signal = AbortSignal.timeout(60_000);
    const cold = await reply(llm, turn(FINAL), "cold");
    const full = llm.countTokens(turn(FINAL), TOOLS);
    expect(cold.usage.promptTokens).toBeGreaterThanOrEqual(full - 2);

    // The caller's words arrive a few at a time, as partial transcripts do.
    const words = FINAL.split(" ");
    let read = 0;
    for (const n of [3, 6, words.length - 1]) {
      read += await llm.prefill!(turn(words.slice(0, n).join(" ")), { sessionKey: "warm", tools: TOOLS, signal });
    }
    const upTo = llm.countTokens(turn(words.slice(0, -1).join(" ")), TOOLS);
    // Everything up to the last word read, less what can still change (the end of the message and its last token).
    expect(read).toBeGreaterThan(upTo - 20);
    expect(read).toBeLessThan(full);

    const warm = await reply(llm, turn(FINAL), "warm");
    expect(warm.text).toBe(cold.text);
    expect(warm.usage.promptTokens).toBeLessThan(full - read + 8);
    expect(warm.usage.promptTokens).toBeLessThan(cold.usage.promptTokens / 4);
  });

  it("a read-ahead gives way: it does nothing while the conversation's reply runs, and the reply keeps its slot", async () => {
    const signal = AbortSignal.timeout(60_000);
    await llm.prefill!(turn("I would like"), { sessionKey: "busy", tools: TOOLS, signal });
    const running = reply(llm, turn(FINAL), "busy");
    // The reply has started (it holds the conversation's turn): a late read-ahead is stale and skipped.
    expect(await llm.prefill!(turn("I would like to know"), { sessionKey: "busy", tools: TOOLS, signal })).toBe(0);
    const r = await running;
    expect(r.usage.promptTokens).toBeLessThan(llm.countTokens(turn(FINAL), TOOLS) / 2);
  });

  it("a reply after a discarded one (aborted mid-way) waits for its slot instead of reading everything again", async () => {
    // A system prompt no other test uses: no other slot holds any of this conversation.
    const bakery: ChatMessage = { role: "system", content: "You answer the phone for a bakery. Keep it short." };
    const call = (words: string): ChatMessage[] => [bakery, GREETING, { role: "user", content: words }];
    await reply(llm, call("Hello there"), "spec");
    const discarded = new AbortController();
    let real: ReturnType<typeof reply> | null = null;
    const speculative = (async () => {
      const stream = llm.chat(call("I would like to know your opening"), {
        signal: discarded.signal,
        tools: TOOLS,
        sessionKey: "spec",
        maxTokens: 16,
      });
      for await (const _ of stream as AsyncIterable<LlmDelta>) {
        // Its first words are out (the slot is busy): the final transcript differs, a new reply starts at once.
        real ??= reply(llm, call(FINAL), "spec");
        discarded.abort(new Error("speculative reply discarded"));
      }
    })().catch(() => undefined);
    await speculative;
    expect(real).not.toBeNull();
    const r = await real!;
    // Had it taken another slot, it would have evaluated the whole prompt.
    expect(r.usage.promptTokens).toBeLessThan(llm.countTokens(call(FINAL), TOOLS) / 2);
  });

  it("a conversation's read-ahead reads as the caller's words grow by a few, and starts again with the next turn", async () => {
    const errors: unknown[] = [];
    const ahead = new ReadAhead(llm, new ContextWindow(llm, TOOLS), TOOLS, "words", AbortSignal.timeout(60_000), (e) =>
      errors.push(e),
    );
    // A system prompt no other test uses: no slot holds any of this conversation yet.
    const florist: ChatMessage = { role: "system", content: "You take orders for a florist. Be brief." };
    const call = (text: string): ChatMessage[] => [florist, GREETING, { role: "user", content: text }];
    const words = FINAL.split(" ");
    const readAfter = async (n: number) => {
      const before = ahead.tokens;
      ahead.read(call(words.slice(0, n).join(" ")));
      await ahead.settled();
      return ahead.tokens - before;
    };
    expect(await readAfter(3)).toBeGreaterThan(0);
    // One or two more words are not worth a render of the prompt: nothing is read.
    expect(await readAfter(4)).toBe(0);
    expect(await readAfter(5)).toBe(0);
    expect(await readAfter(6)).toBeGreaterThan(0);
    ahead.cancel(); // the turn is over: the next one starts from no words
    const before = ahead.tokens;
    ahead.read(call("Can you also"));
    await ahead.settled();
    expect(ahead.tokens).toBeGreaterThan(before);
    expect(errors).toEqual([]);
  });

  it("reading ahead on an aborted signal does nothing", async () => {
    const ac = new AbortController();
    ac.abort();
    expect(await llm.prefill!(turn("Hello"), { sessionKey: "gone", tools: TOOLS, signal: ac.signal })).toBe(0);
  });
});
