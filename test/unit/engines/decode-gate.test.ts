import { setImmediate as nextTurn } from "node:timers/promises";
import { describe, expect, it, vi } from "vitest";
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
    const reply = policy.begin("call-a");
    const words = deferred();
    expect(policy.yieldTo("call-a", words.promise)).toBe(true);
    expect(gate.held).toBe(true);
    words.resolve();
    await sleep(5);
    expect(gate.held).toBe(false);
    reply.end();
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
    const replyB = policy.begin("call-b");
    replyB.end();
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

describe("FirstWordsYield: replies take turns for their first words", () => {
  it("puts first in line the earliest started reply that has its sequence, until it has its first words", () => {
    const policy = new FirstWordsYield(new DecodeGate(), 300, true);
    const [seqA, seqB, seqC] = [{}, {}, {}];
    const a = policy.begin("call-a");
    const b = policy.begin("call-b");
    const c = policy.begin("call-c");
    expect(policy.firstInLine()).toBeNull();
    // B has its sequence first; A, which started earlier, still waits for one: B goes meanwhile.
    b.bind(seqB);
    c.bind(seqC);
    expect(policy.firstInLine()).toBe(seqB);
    a.bind(seqA);
    expect(policy.firstInLine()).toBe(seqA);
    // A's first clause goes to TTS: B is next; B's reply ends without words (a tool call): C is next.
    policy.yieldTo("call-a", new Promise(() => undefined));
    expect(policy.firstInLine()).toBe(seqB);
    b.end();
    expect(policy.firstInLine()).toBe(seqC);
    c.end();
    expect(policy.firstInLine()).toBeNull();
    policy.release();
  });

  it("has nobody in line when replies decode side by side (a GPU, or turned off)", () => {
    const policy = new FirstWordsYield(new DecodeGate(), 300, false);
    policy.begin("call-a").bind({});
    expect(policy.firstInLine()).toBeNull();
  });
});

describe("DecodeGate: a step left empty is asked again after a millisecond, not in a spin", () => {
  it("runs the next dispatch on a timer once, then on the next turn again", () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "setImmediate"] });
    try {
      const gate = new DecodeGate();
      const c = counter();
      gate.retrySoon();
      gate.schedule(c.dispatch);
      // What is due now (the next turn's setImmediate) has run; the retry waits for its millisecond.
      vi.advanceTimersByTime(0);
      expect(c.runs()).toBe(0);
      vi.advanceTimersByTime(1);
      expect(c.runs()).toBe(1);
      gate.schedule(c.dispatch);
      vi.advanceTimersByTime(0);
      expect(c.runs()).toBe(2);
    } finally {
      vi.useRealTimers();
    }
  });
});
