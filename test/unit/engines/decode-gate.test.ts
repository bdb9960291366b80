import { setImmediate as nextTurn } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { DecodeGate, FirstWordsYield } from "../../../src/engines/llm/decode-gate.js";

/** A dispatch that counts its runs, as node-llama-cpp's would start a decode step. */
function counter() {
  let runs = 0;
  return { dispatch: () => void runs++, runs: () => runs };
}

/** A promise with its resolver outside. */
function deferred() {
  let resolve: () => void = () => undefined;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("DecodeGate: llama.cpp's next step waits while the first words are synthesised", () => {
  it("dispatches on the next turn of the event loop when nothing holds it", async () => {
    const gate = new DecodeGate();
    const c = counter();
    gate.schedule(c.dispatch);
    expect(c.runs()).toBe(0);
    await nextTurn();
    expect(c.runs()).toBe(1);
  });

  it("keeps a step requested during a hold until the hold's promise settles", async () => {
    const gate = new DecodeGate();
    const words = deferred();
    gate.hold(words.promise, 10_000);
    const c = counter();
    gate.schedule(c.dispatch);
    await sleep(20);
    expect(c.runs()).toBe(0);
    words.resolve();
    await sleep(5);
    expect(c.runs()).toBe(1);
    expect(gate.held).toBe(false);
  });

  it("stops a step requested just before the hold, in the same turn of the event loop", async () => {
    // node-llama-cpp asks for the next step right after sampling a token; the agent reads that token (and holds) in
    // the microtasks that follow, before the step would start.
    const gate = new DecodeGate();
    const c = counter();
    gate.schedule(c.dispatch);
    const words = deferred();
    await Promise.resolve();
    gate.hold(words.promise, 10_000);
    await sleep(20);
    expect(c.runs()).toBe(0);
    words.resolve();
    await sleep(5);
    expect(c.runs()).toBe(1);
  });

  it("ends a hold at its limit when the words never come", async () => {
    const gate = new DecodeGate();
    gate.hold(new Promise(() => undefined), 30);
    const c = counter();
    gate.schedule(c.dispatch);
    await sleep(5);
    expect(c.runs()).toBe(0);
    await sleep(60);
    expect(c.runs()).toBe(1);
  });

  it("a failed synthesis ends the hold like a finished one", async () => {
    const gate = new DecodeGate();
    const failed = Promise.reject(new Error("tts failed"));
    gate.hold(failed, 10_000);
    const c = counter();
    gate.schedule(c.dispatch);
    await sleep(5);
    expect(c.runs()).toBe(1);
  });

  it("dispatches only when the last of two holds ends", async () => {
    const gate = new DecodeGate();
    const a = deferred();
    const b = deferred();
    gate.hold(a.promise, 10_000);
    gate.hold(b.promise, 10_000);
    const c = counter();
    gate.schedule(c.dispatch);
    a.resolve();
    await sleep(5);
    expect(c.runs()).toBe(0);
    b.resolve();
    await sleep(5);
    expect(c.runs()).toBe(1);
  });

  it("releaseAll ends every hold, and an old hold settling later does not end a new one", async () => {
    const gate = new DecodeGate();
    const old = deferred();
    gate.hold(old.promise, 10_000);
    gate.releaseAll();
    expect(gate.held).toBe(false);
    const fresh = deferred();
    gate.hold(fresh.promise, 10_000);
    old.resolve();
    await sleep(5);
    expect(gate.held).toBe(true);
    fresh.resolve();
    await sleep(5);
    expect(gate.held).toBe(false);
  });
});

describe("FirstWordsYield: the LLM steps aside only when no other caller waits on it", () => {
  it("holds when the only live reply reaches its first words", async () => {
    const gate = new DecodeGate();
    const policy = new FirstWordsYield(gate, 300);
    const end = policy.begin("call-a");
    const words = deferred();
    expect(policy.yieldTo("call-a", words.promise)).toBe(true);
    expect(gate.held).toBe(true);
    words.resolve();
    await sleep(5);
    expect(gate.held).toBe(false);
    end();
  });

  it("does not hold while another caller's reply is still before its first words", () => {
    const gate = new DecodeGate();
    const policy = new FirstWordsYield(gate, 300);
    policy.begin("call-a");
    policy.begin("call-b");
    expect(policy.yieldTo("call-a", new Promise(() => undefined))).toBe(false);
    expect(gate.held).toBe(false);
    // Once call B reaches its own first words, nobody waits: B may hold.
    expect(policy.yieldTo("call-b", new Promise(() => undefined))).toBe(true);
    policy.release();
  });

  it("a reply that starts ends the hold: that caller now waits on the LLM", async () => {
    const gate = new DecodeGate();
    const policy = new FirstWordsYield(gate, 10_000);
    policy.begin("call-a");
    expect(policy.yieldTo("call-a", new Promise(() => undefined))).toBe(true);
    const c = counter();
    gate.schedule(c.dispatch);
    await sleep(5);
    expect(c.runs()).toBe(0);
    policy.begin("call-b");
    expect(gate.held).toBe(false);
    await sleep(5);
    expect(c.runs()).toBe(1);
  });

  it("a reply that ended no longer counts as waiting", () => {
    const gate = new DecodeGate();
    const policy = new FirstWordsYield(gate, 300);
    policy.begin("call-a");
    const endB = policy.begin("call-b");
    endB();
    expect(policy.yieldTo("call-a", new Promise(() => undefined))).toBe(true);
    policy.release();
  });

  it("never holds with a limit of 0 (turned off)", () => {
    const gate = new DecodeGate();
    const policy = new FirstWordsYield(gate, 0);
    policy.begin("call-a");
    expect(policy.yieldTo("call-a", new Promise(() => undefined))).toBe(false);
    expect(gate.held).toBe(false);
  });
});
