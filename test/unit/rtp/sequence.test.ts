import { describe, expect, it } from "vitest";
import { SequenceTracker } from "../../../src/rtp/sequence.js";

describe("SequenceTracker", () => {
  it("counts an in-order stream across the 16-bit wrap with no loss", () => {
    const t = new SequenceTracker();
    for (let i = 0; i < 300; i++) expect(t.observe((65400 + i) & 0xffff)).toBe("in_order");
    expect([t.received, t.expected, t.lost, t.duplicates, t.reordered]).toEqual([300, 300, 0, 0, 0]);
  });

  it("tells reordered from duplicate, and a late arrival fills the gap it left", () => {
    const t = new SequenceTracker();
    const verdicts = [10, 12, 11, 12, 13, 11, 15].map((s) => t.observe(s));
    expect(verdicts).toEqual(["in_order", "in_order", "reordered", "duplicate", "in_order", "duplicate", "in_order"]);
    expect(t.lost).toBe(1); // 14
    expect(t.duplicates).toBe(2);
    expect(t.reordered).toBe(1);
  });

  it("reordering across the wrap", () => {
    const t = new SequenceTracker();
    for (const s of [65534, 0, 65535, 1, 2]) t.observe(s);
    expect([t.expected, t.received, t.lost, t.reordered]).toEqual([5, 5, 0, 1]);
  });

  it("puts one stray far-off packet on probation and re-bases on a confirmed jump", () => {
    const t = new SequenceTracker();
    for (let s = 100; s < 110; s++) t.observe(s);
    expect(t.observe(40000)).toBe("probation");
    expect(t.observe(110)).toBe("in_order");
    expect(t.observe(50000)).toBe("probation");
    expect(t.observe(50001)).toBe("restart");
    expect(t.observe(50002)).toBe("in_order");
    expect(t.restarts).toBe(1);
    expect(t.lost).toBe(0);
    expect(t.received).toBe(13);
  });
});
