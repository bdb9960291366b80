import { describe, expect, it } from "vitest";
import { LiveCalls } from "../../../src/engines/llm/live-calls.js";

describe("live calls connected to the LLM", () => {
  it("counts each call from open to close, and a close said twice counts once", () => {
    const calls = new LiveCalls(3000);
    expect(calls.connected).toBe(0);
    const first = calls.open();
    const second = calls.open();
    expect(calls.connected).toBe(2);
    first();
    first(); // a conversation's end path may say it again: the other call is still connected
    expect(calls.connected).toBe(1);
    second();
    expect(calls.connected).toBe(0);
  });
});
