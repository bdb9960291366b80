import { afterEach, describe, expect, it, vi } from "vitest";
import { BatchHolds } from "../../../src/engines/llm/batch-holds.js";

describe("holds on batch work while a caller's turn may be ending", () => {
  afterEach(() => vi.useRealTimers());

  it("holds from a caller's pause until its release, and counts each caller's hold apart", () => {
    const holds = new BatchHolds(3000);
    expect(holds.held).toBe(false);
    const a = holds.hold("call-a");
    const b = holds.hold("call-b");
    a();
    expect(holds.held).toBe(true); // call b's turn may still be ending
    b();
    b(); // said again (the conversation's end path): nothing else changes
    expect(holds.held).toBe(false);
  });

  it("lets a new pause of the same caller replace the hold before it, which can no longer end the new one", () => {
    const holds = new BatchHolds(3000);
    const first = holds.hold("call-a");
    const second = holds.hold("call-a");
    first();
    expect(holds.held).toBe(true);
    second();
    expect(holds.held).toBe(false);
  });

  it("hands out the release of the hold on now, for the reply's first words to end", () => {
    const holds = new BatchHolds(3000);
    expect(holds.releaseOf("call-a")).not.toThrow(); // no hold: nothing to end
    holds.hold("call-a");
    const atFirstWords = holds.releaseOf("call-a");
    atFirstWords();
    expect(holds.held).toBe(false);
    // A release handed out for an earlier hold (its reply's first words came late) leaves a later pause's hold alone.
    holds.hold("call-a");
    const late = holds.releaseOf("call-a");
    holds.hold("call-a");
    late();
    expect(holds.held).toBe(true);
  });

  it("ends a hold nobody released after its longest time, so batch work cannot stop for good", () => {
    vi.useFakeTimers();
    const holds = new BatchHolds(3000);
    holds.hold("call-a");
    vi.advanceTimersByTime(2999);
    expect(holds.held).toBe(true);
    vi.advanceTimersByTime(1);
    expect(holds.held).toBe(false);
  });
});
