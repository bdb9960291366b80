import { describe, expect, it } from "vitest";
import { toLlamaHistory } from "../../../src/engines/llm/history.js";

describe("chat history conversion for node-llama-cpp", () => {
  it("ends with an empty model turn for a fresh reply", () => {
    expect(
      toLlamaHistory([
        { role: "system", content: "s" },
        { role: "user", content: "hi" },
      ]),
    ).toEqual([
      { type: "system", text: "s" },
      { type: "user", text: "hi" },
      { type: "model", response: [] },
    ]);
  });

  it("folds tool results into the call and lets the model continue that turn", () => {
    const h = toLlamaHistory([
      { role: "user", content: "call me back" },
      {
        role: "assistant",
        content: "",
        toolCalls: [{ id: "c1", name: "schedule_callback", arguments: { when: "10:00" } }],
      },
      { role: "tool", toolCallId: "c1", content: '{"status":"scheduled"}' },
    ]);
    expect(h).toHaveLength(2);
    expect(h[1]).toEqual({
      type: "model",
      response: [
        { type: "functionCall", name: "schedule_callback", params: { when: "10:00" }, result: { status: "scheduled" } },
      ],
    });
  });

  it("keeps a non-JSON tool result as text", () => {
    const h = toLlamaHistory([
      { role: "assistant", content: "One moment.", toolCalls: [{ id: "c1", name: "lookup", arguments: {} }] },
      { role: "tool", toolCallId: "c1", content: "not json" },
    ]);
    expect(h[0]).toEqual({
      type: "model",
      response: ["One moment.", { type: "functionCall", name: "lookup", params: {}, result: "not json" }],
    });
  });
});
