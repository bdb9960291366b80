import { describe, expect, it } from "vitest";
import { PriorityGate } from "../../../src/engines/worker/priority-gate.js";

const never = () => new AbortController().signal;

describe("engine priority gate", () => {
  it("starts queued live work before queued batch work, each in arrival order", async () => {
    const gate = new PriorityGate(1);
    const order: string[] = [];
    const first = await gate.enter("batch", never());
    // Each request ends as soon as it starts, letting the next one in.
    const run = (priority: "live" | "batch", name: string) =>
      gate.enter(priority, never()).then((t) => (order.push(name), t.done()));
    const runs = [run("batch", "batch-1"), run("batch", "batch-2"), run("live", "live-1"), run("live", "live-2")];
    expect(gate.waiting).toBe(4);
    first.done();
    await Promise.all(runs);
    expect(order).toEqual(["live-1", "live-2", "batch-1", "batch-2"]);
  });

  it("starts a live request the caller waits for in silence (urgent) before other live ones, still after none of its rank", async () => {
    const gate = new PriorityGate(1);
    const order: string[] = [];
    const first = await gate.enter("live", never());
    const run = (priority: "live" | "batch", name: string, urgent = false) =>
      gate.enter(priority, never(), urgent).then((t) => (order.push(name), t.done()));
    const runs = [
      run("batch", "batch"),
      run("live", "next-sentence-a"),
      run("live", "first-words-b", true),
      run("live", "next-sentence-c"),
      run("live", "first-words-d", true),
      run("batch", "batch-urgent-flag-ignored", true),
    ];
    first.done();
    await Promise.all(runs);
    expect(order).toEqual([
      "first-words-b",
      "first-words-d",
      "next-sentence-a",
      "next-sentence-c",
      "batch",
      "batch-urgent-flag-ignored",
    ]);
  });

  it("reports how long a request waited, and runs up to its concurrency at once", async () => {
    const gate = new PriorityGate(2);
    const a = await gate.enter("live", never());
    const b = await gate.enter("live", never());
    expect(a.waitedMs).toBe(0);
    const c = gate.enter("live", never());
    await new Promise((r) => setTimeout(r, 20));
    a.done();
    const started = await c;
    expect(started.waitedMs).toBeGreaterThan(10);
    b.done();
    started.done();
    started.done(); // twice is harmless
    expect(gate.waiting).toBe(0);
  });

  it("drops a request whose signal aborts while it waits", async () => {
    const gate = new PriorityGate(1);
    const held = await gate.enter("live", never());
    const controller = new AbortController();
    const waiting = gate.enter("batch", controller.signal);
    controller.abort(new Error("caller hung up"));
    await expect(waiting).rejects.toThrow("caller hung up");
    expect(gate.waiting).toBe(0);
    held.done();
    const next = await gate.enter("live", never());
    expect(next.waitedMs).toBe(0);
  });
});
