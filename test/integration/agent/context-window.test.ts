import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ContextTooSmallError, ContextWindow, TRIM_NOTE } from "../../../src/agent/conversation/context-window.js";
import { createEngine } from "../../../src/engines/factory.js";
import type { ChatMessage, LlmEngine, ToolCall, ToolSpec } from "../../../src/engines/types.js";
import { generatedModel, testConfig } from "../../helpers/models.js";

/**
 * ContextWindow on the tiny scripted model's real tokenizer (about one token
 * per character, context 2048): what is left out, what is kept, and that the
 * cut stays put between trims.
 */
const SYSTEM: ChatMessage = { role: "system", content: "You are a helpful shop assistant. Keep replies short." };
const lookup: ToolSpec = {
  name: "parcel_status",
  description: "Finds where the caller's parcel is.",
  parameters: { type: "object", properties: { ref: { type: "string" } } },
};
const note: ToolSpec = {
  name: "take_note",
  description: "Writes a note for the team.",
  parameters: { type: "object", properties: { text: { type: "string" } } },
};

const call = (id: string, name: string, args: Record<string, unknown> = {}): ToolCall => ({
  id,
  name,
  arguments: args,
});

/** `n` plain exchanges, each about 110 tokens. */
function exchanges(n: number, from = 0): ChatMessage[] {
  return Array.from({ length: n }, (_, i) => [
    { role: "user" as const, content: `I have a question about delivery number ${from + i}, please.` },
    { role: "assistant" as const, content: `Delivery ${from + i} leaves the warehouse on a weekday morning.` },
  ]).flat();
}

describe("ContextWindow on the tiny model", () => {
  let llm: LlmEngine;
  beforeAll(async () => {
    llm = await createEngine("llm", await generatedModel("tiny-llm"), testConfig());
  });
  afterAll(async () => llm?.dispose());

  it("sends the history as it is while it fits", () => {
    const w = new ContextWindow(llm, [lookup]);
    const history = [SYSTEM, ...exchanges(2), { role: "user" as const, content: "And another thing." }];
    const { messages, fit } = w.fit(history);
    expect(messages).toEqual(history);
    expect(fit.trimmed).toBeUndefined();
    expect(fit.promptTokens).toBe(llm.countTokens(history, [lookup]));
    expect(fit.limit).toBe(2048 - 128); // the reply's room: maxTokens, at most 1/16 of the context
  });

  it("leaves out the oldest turns, well under the limit, and keeps that cut while the prompt grows again", () => {
    const w = new ContextWindow(llm, [lookup]);
    const history: ChatMessage[] = [
      SYSTEM,
      { role: "assistant", content: "Hello, you are through to the shop." },
      ...exchanges(12),
      { role: "user", content: "Where is my parcel?" },
    ];
    const before = llm.countTokens(history, [lookup]);
    expect(before).toBeGreaterThan(w.limit);
    const first = w.fit(history);
    expect(first.fit.trimmed).toMatchObject({ tokensBefore: before, keptToolResults: 0 });
    expect(first.fit.promptTokens).toBe(llm.countTokens(first.messages, [lookup]));
    // Cut to the fixed part plus half the room for history, not just under the limit.
    const fixed = llm.countTokens([SYSTEM], [lookup]);
    expect(first.fit.promptTokens).toBeLessThanOrEqual(fixed + (w.limit - fixed) / 2);
    expect(first.messages[0]).toEqual(SYSTEM);
    expect(first.messages[1]).toEqual({ role: "system", content: TRIM_NOTE });
    expect(first.messages[2]?.role).toBe("user"); // whole turns: the kept part starts with the caller
    expect(first.messages.slice(-1)).toEqual(history.slice(-1));
    expect(first.messages.slice(2)).toEqual(history.slice(history.length - first.messages.length + 2));

    // Two more turns: still under the limit, so the same cut, and the same prompt prefix (the KV cache stays valid).
    history.push(
      { role: "assistant", content: "It is on its way." },
      { role: "user", content: "Thank you, and when does it arrive?" },
    );
    const second = w.fit(history);
    expect(second.fit.trimmed).toBeUndefined();
    expect(second.messages.slice(0, first.messages.length)).toEqual(first.messages);
  });

  it("keeps the latest result of each tool, and a result the model never answered, when their turns are left out", () => {
    const w = new ContextWindow(llm, [lookup, note]);
    const history: ChatMessage[] = [
      SYSTEM,
      { role: "user", content: "Where is parcel A1?" },
      { role: "assistant", content: "", toolCalls: [call("c1", "parcel_status", { ref: "A1" })] },
      { role: "tool", toolCallId: "c1", content: '{"where":"depot"}' },
      { role: "assistant", content: "It is at the depot." },
      { role: "user", content: "And parcel A2?" },
      { role: "assistant", content: "", toolCalls: [call("c2", "parcel_status", { ref: "A2" })] },
      { role: "tool", toolCallId: "c2", content: '{"where":"van"}' },
      { role: "assistant", content: "It is in the van." },
      { role: "user", content: "Note that I called." },
      // The caller spoke over the agent right after the note was written: nobody answered this result.
      { role: "assistant", content: "", toolCalls: [call("c3", "take_note", { text: "called" })] },
      { role: "tool", toolCallId: "c3", content: '{"saved":true}' },
      ...exchanges(8),
      { role: "user", content: "Anything else I should know?" },
    ];
    const { messages, fit } = w.fit(history);
    expect(fit.trimmed?.keptToolResults).toBe(2);
    const kept = messages.filter((m) => m.role === "tool").map((m) => (m as { toolCallId: string }).toolCallId);
    expect(kept).toEqual(["c2", "c3"]); // c1 is superseded by the later parcel_status result
    // Each kept result follows the call that asked for it, so the model reads them as its own tool use.
    const i = messages.findIndex((m) => m.role === "tool" && m.toolCallId === "c2");
    expect(messages[i - 1]).toEqual({
      role: "assistant",
      content: "",
      toolCalls: [call("c2", "parcel_status", { ref: "A2" })],
    });
    expect(messages.some((m) => m.role === "user" && m.content === "And parcel A2?")).toBe(false);
  });

  it("does not keep an old result of a tool that was called again in the kept turns", () => {
    const w = new ContextWindow(llm, [lookup]);
    const history: ChatMessage[] = [
      SYSTEM,
      { role: "user", content: "Where is parcel A1?" },
      { role: "assistant", content: "", toolCalls: [call("c1", "parcel_status", { ref: "A1" })] },
      { role: "tool", toolCallId: "c1", content: '{"where":"depot"}' },
      { role: "assistant", content: "It is at the depot." },
      ...exchanges(10),
      { role: "user", content: "Check A1 again?" },
      { role: "assistant", content: "", toolCalls: [call("c9", "parcel_status", { ref: "A1" })] },
      { role: "tool", toolCallId: "c9", content: '{"where":"van"}' },
    ];
    const { messages, fit } = w.fit(history);
    expect(fit.trimmed?.keptToolResults).toBe(0);
    expect(messages.filter((m) => m.role === "tool").map((m) => (m as { toolCallId: string }).toolCallId)).toEqual([
      "c9",
    ]);
  });

  it("says clearly when the system prompt and tools leave no room for the caller's turn", () => {
    const w = new ContextWindow(llm, [lookup]);
    const history: ChatMessage[] = [
      { role: "system", content: "Always be helpful and brief. ".repeat(70) },
      { role: "user", content: "Hello?" },
    ];
    let error: unknown;
    try {
      w.fit(history);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ContextTooSmallError);
    expect((error as ContextTooSmallError).code).toBe("context_too_small");
    expect((error as Error).message).toMatch(
      /^the prompt needs \d+ tokens with only the caller's latest turn kept \(system prompt and tool documentation alone: \d+\), but the model's context holds 2048 of which 128 are kept for the reply/,
    );
    expect((error as ContextTooSmallError).details).toMatchObject({ contextSize: 2048, limit: 1920 });
  });
});
