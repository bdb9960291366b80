import { describe, expect, it } from "vitest";
import type { BatchItem } from "node-llama-cpp";
import {
  BATCH_PRIORITY,
  FIRST_IN_LINE_WAIT_MS,
  LIVE_PRIORITY,
  liveFirstStrategy,
  type BatchSchedulerOptions,
} from "../../../src/engines/llm/batch-scheduler.js";

const item = (tokens: number, priority: number): BatchItem =>
  ({
    tokens: Array.from({ length: tokens }, (_, i) => i),
    logits: [],
    evaluationPriority: priority,
  }) as unknown as BatchItem;
let liveTurnUnderWay = false;
const strategy = liveFirstStrategy({
  prefillChunkTokens: 128,
  batchChunkTokens: 32,
  batchBesideLiveTokens: 4,
  liveBusy: () => liveTurnUnderWay,
});
/** The strategy as the engine builds it, with a call-connected step size and its own view of calls and turns. */
const withCalls = (o: Pick<BatchSchedulerOptions, "batchBesideCallsTokens" | "liveBusy" | "callsConnected">) =>
  liveFirstStrategy({ prefillChunkTokens: 128, batchChunkTokens: 32, batchBesideLiveTokens: 4, ...o });
const amounts = (items: BatchItem[], size: number) => {
  const out = strategy({ items, size });
  return items.map((i) => out.find((p) => p.item === i)?.processAmount ?? 0);
};

describe("LLM batch scheduler (live first, short steps)", () => {
  it("gives every decoding live sequence its token and caps a live prefill while others wait", () => {
    const decoding = [item(1, LIVE_PRIORITY), item(1, LIVE_PRIORITY), item(1, LIVE_PRIORITY)];
    const prefill = item(400, LIVE_PRIORITY);
    expect(amounts([...decoding, prefill], 512)).toEqual([1, 1, 1, 128]);
  });

  it("lets a live prefill use the whole batch when it is alone", () => {
    expect(amounts([item(400, LIVE_PRIORITY)], 512)).toEqual([400]);
  });

  it("puts live work before batch work, and never gives batch work more than its chunk", () => {
    const live = item(1, LIVE_PRIORITY);
    const batch = item(900, BATCH_PRIORITY);
    // Beside a live token, batch work takes only a few: each of them slows the caller's reply.
    expect(amounts([batch, live], 512)).toEqual([4, 1]);
    // Alone, batch work still takes one short chunk per step: a live turn waits one short step at most.
    expect(amounts([item(900, BATCH_PRIORITY)], 512)).toEqual([32]);
  });

  it("serves batch items only from what live items leave", () => {
    const lives = Array.from({ length: 4 }, () => item(200, LIVE_PRIORITY));
    const batch = item(100, BATCH_PRIORITY);
    // 4 live prefills share 512 tokens (128 each, their cap) and leave nothing for batch work.
    expect(amounts([...lives, batch], 512)).toEqual([128, 128, 128, 128, 0]);
    // With room left, still only the few tokens batch work may take beside live ones.
    expect(amounts([...lives, batch], 540)).toEqual([128, 128, 128, 128, 4]);
  });

  it("keeps batch steps short while a live turn is under way, even in a step without live tokens", () => {
    // Between two tokens of a reply (sampling in JavaScript), a step may hold batch work alone.
    liveTurnUnderWay = true;
    try {
      expect(amounts([item(900, BATCH_PRIORITY)], 512)).toEqual([4]);
    } finally {
      liveTurnUnderWay = false;
    }
    expect(amounts([item(900, BATCH_PRIORITY)], 512)).toEqual([32]);
  });

  it("keeps batch steps shorter while a call is connected between its turns, and short beside a turn", () => {
    let connected = true;
    let turn = false;
    const beside = withCalls({ batchBesideCallsTokens: 16, liveBusy: () => turn, callsConnected: () => connected });
    const step = (items: BatchItem[]) =>
      items.map((i) => beside({ items, size: 512 }).find((p) => p.item === i)?.processAmount ?? 0);
    // The caller speaks: their turn may end at any moment, and the reply would wait for this step.
    expect(step([item(900, BATCH_PRIORITY)])).toEqual([16]);
    turn = true;
    expect(step([item(900, BATCH_PRIORITY)])).toEqual([4]);
    expect(step([item(900, BATCH_PRIORITY), item(1, LIVE_PRIORITY)])).toEqual([4, 1]);
    turn = false;
    connected = false;
    // No call: batch work has the LLM to itself, one chunk a step.
    expect(step([item(900, BATCH_PRIORITY)])).toEqual([32]);
  });

  it("never lets batch steps beside calls outgrow the chunk", () => {
    const wide = withCalls({ batchBesideCallsTokens: 64, liveBusy: () => false, callsConnected: () => true });
    const batch = item(900, BATCH_PRIORITY);
    expect(wide({ items: [batch], size: 512 })).toEqual([{ item: batch, processAmount: 32 }]);
  });

  it("gives batch work no step while a caller's turn may be ending, and live work goes on", () => {
    let held = true;
    let waits = 0;
    const hold = liveFirstStrategy({
      prefillChunkTokens: 128,
      batchChunkTokens: 32,
      batchBesideLiveTokens: 4,
      batchBesideCallsTokens: 16,
      liveBusy: () => false,
      callsConnected: () => true,
      batchHeld: () => held,
      waiting: () => waits++,
    });
    const batch = item(900, BATCH_PRIORITY);
    const live = item(6, LIVE_PRIORITY);
    // Batch work alone: the step is left empty and asked again soon (a reply may start any moment).
    expect(hold({ items: [batch], size: 512 })).toEqual([]);
    expect(waits).toBe(1);
    // The reply's prompt comes: it goes, without the batch tokens it would otherwise have beside it.
    expect(hold({ items: [batch, live], size: 512 })).toEqual([{ item: live, processAmount: 6 }]);
    expect(waits).toBe(1);
    // The hold ends: batch work takes its steps again.
    held = false;
    expect(hold({ items: [batch], size: 512 })).toEqual([{ item: batch, processAmount: 16 }]);
  });

  it("shares a small batch fairly between many live sequences", () => {
    const lives = Array.from({ length: 5 }, () => item(50, LIVE_PRIORITY));
    const got = amounts(lives, 64);
    expect(got.reduce((a, b) => a + b, 0)).toBe(64);
    expect(Math.max(...got) - Math.min(...got)).toBeLessThanOrEqual(1);
  });
});

describe("LLM batch scheduler: the reply first in line for its first words goes alone", () => {
  /** An item of a sequence, known by its token meter as the patched node-llama-cpp hands it over. */
  const of = (sequence: object, tokens: number, priority = LIVE_PRIORITY): BatchItem =>
    ({ ...item(tokens, priority), tokenMeter: sequence }) as unknown as BatchItem;
  const setup = () => {
    const clock = { now: 0 };
    const line: { first: object | null } = { first: null };
    let waits = 0;
    const inTurns = liveFirstStrategy({
      prefillChunkTokens: 128,
      batchChunkTokens: 32,
      batchBesideLiveTokens: 4,
      liveBusy: () => true,
      firstInLine: () => line.first,
      waiting: () => waits++,
      now: () => clock.now,
    });
    const step = (items: BatchItem[]) => {
      const out = inTurns({ items, size: 512 });
      return items.map((i) => out.find((p) => p.item === i)?.processAmount ?? 0);
    };
    return { clock, line, step, waits: () => waits };
  };

  it("decodes the first in line alone: other callers' prompts, read-aheads and batch work wait", () => {
    const { line, step } = setup();
    const a = {};
    const b = {};
    line.first = a;
    // A decodes its next token; B's prompt, C's read-ahead and a voicemail's prompt wait for A's first words.
    expect(step([of(b, 8), of(a, 1), of({}, 4), of({}, 300, BATCH_PRIORITY)])).toEqual([0, 1, 0, 0]);
    // Once A has them, B is first in line and goes alone in its turn.
    line.first = b;
    expect(step([of(a, 1), of(b, 8)])).toEqual([0, 8]);
    // Nobody in line: every live sequence shares the step, as before.
    line.first = null;
    expect(step([of(a, 1), of(b, 1)])).toEqual([1, 1]);
  });

  it("leaves a step empty while the first in line reads its last token, and asks again soon", () => {
    const { clock, line, step, waits } = setup();
    const a = {};
    line.first = a;
    const b = of({}, 8);
    expect(step([b])).toEqual([0]);
    clock.now = FIRST_IN_LINE_WAIT_MS - 1;
    expect(step([b])).toEqual([0]);
    expect(waits()).toBe(2);
    // A's token comes: it goes alone, and the wait starts afresh next time.
    expect(step([b, of(a, 1)])).toEqual([0, 1]);
    clock.now += FIRST_IN_LINE_WAIT_MS - 1;
    expect(step([b])).toEqual([0]);
  });

  it("shares every step as before when the items carry no token meter (node-llama-cpp without the install change)", () => {
    const { line, step, waits } = setup();
    line.first = {};
    expect(step([item(8, LIVE_PRIORITY), item(1, LIVE_PRIORITY)])).toEqual([8, 1]);
    expect(waits()).toBe(0);
  });

  it("lets the others go when the first in line queues nothing for too long (a reply held up elsewhere)", () => {
    const { clock, line, step, waits } = setup();
    line.first = {};
    const b = of({}, 8);
    const c = of({}, 1);
    expect(step([b, c])).toEqual([0, 0]);
    clock.now = FIRST_IN_LINE_WAIT_MS;
    expect(step([b, c])).toEqual([8, 1]);
    expect(waits()).toBe(1);
  });
});
