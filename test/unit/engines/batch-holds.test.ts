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
    expect(holds.heldByOthers("call-b")).toBe(false); // only b's own hold: b's read-ahead may go on
    expect(holds.heldByOthers("call-c")).toBe(true);
    b();
    b(); // said again (the conversation's end path): nothing else changes
    expect(holds.held).toBe(false);
    expect(holds.heldByOthers("call-c")).toBe(false);
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
