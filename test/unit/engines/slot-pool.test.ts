import { describe, expect, it } from "vitest";
import { SlotPool } from "../../../src/engines/llm/sequence-pool.js";

describe("LLM slot pool", () => {
  it("serves waiters in arrival order", async () => {
    const pool = new SlotPool(["a"]);
    const first = await pool.acquire("x", new AbortController().signal);
    const order: string[] = [];
    const w1 = pool.acquire("y", new AbortController().signal).then((s) => (order.push("y"), s));
    const w2 = pool.acquire("z", new AbortController().signal).then((s) => (order.push("z"), s));
    expect(pool.waiting).toBe(2);
    pool.release(first);
    pool.release(await w1);
    await w2;
    expect(order).toEqual(["y", "z"]);
  });

  it("gives a returning conversation the slot it used before when it is free", async () => {
    const pool = new SlotPool(["a", "b"]);
    const s1 = await pool.acquire("alice", new AbortController().signal);
    const s2 = await pool.acquire("bob", new AbortController().signal);
    pool.release(s1);
    pool.release(s2);
    expect(await pool.acquire("bob", new AbortController().signal)).toBe(s2);
    expect(await pool.acquire("alice", new AbortController().signal)).toBe(s1);
  });

  it("says when a slot went back to the conversation that held it last, and not otherwise", async () => {
    const pool = new SlotPool(["a"]);
    const signal = new AbortController().signal;
    const first = await pool.acquire("alice", signal);
    expect(pool.resumed(first)).toBe(false); // a new conversation
    pool.release(first);
    const again = await pool.acquire("alice", signal);
    expect(pool.resumed(again)).toBe(true);
    // Handed over through the wait queue to someone else: not resumed; an unnamed conversation never is.
    const bob = pool.acquire("bob", signal);
    pool.release(again);
    expect(pool.resumed(await bob)).toBe(false);
    pool.release(await bob);
    const anon = await pool.acquire(undefined, signal);
    expect(pool.resumed(anon)).toBe(false);
    pool.release(anon);
    expect(pool.resumed(await pool.acquire(undefined, signal))).toBe(false);
  });

  it("drops a waiter whose signal aborts, without losing the slot", async () => {
    const pool = new SlotPool(["a"]);
    const held = await pool.acquire(undefined, new AbortController().signal);
    const controller = new AbortController();
    const waiting = pool.acquire(undefined, controller.signal);
    controller.abort();
    await expect(waiting).rejects.toThrow(/abort/i);
    expect(pool.waiting).toBe(0);
    pool.release(held);
    expect(await pool.acquire(undefined, new AbortController().signal)).toBe("a");
  });
});
