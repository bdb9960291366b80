/**
 * How one llama.cpp context shares its decode batches between live calls and
 * batch work (voicemail extraction, summaries).
 *
 * node-llama-cpp decodes every sequence of a context together: each step it
 * asks a prioritisation strategy which queued tokens go into the next batch.
 * Ours puts live work first and keeps every step short:
 * - live items come first and share the batch fairly (one token each for
 *   decoding sequences, then prompt tokens), so a caller's reply is never
 *   behind a voicemail;
 * - a prompt being read (prefill) takes at most `prefillChunkTokens` per step
 *   while other sequences wait, so one caller's long first prompt does not
 *   freeze every other caller's speech for a second;
 * - batch work takes at most `batchChunkTokens` per step, always: when a live
 *   turn arrives it waits for one short step at most ("yields within one
 *   inference step"), never for a 512-token batch of someone's voicemail;
 * - the reply first in line for its first words (FirstWordsYield; on CPU,
 *   where a step of two replies costs what two steps cost) goes alone:
 *   other replies, read-aheads and batch work wait until it has them;
 * - while a live call is connected (LlmEngine.liveCall), between its
 *   turns, batch work takes at most `batchBesideCallsTokens` per step: the
 *   caller's turn may end during a step, and the reply waits for it;
 * - from a caller's pause until their reply's first words are audio (a
 *   hold, LlmEngine.holdBatch), batch work takes no step at all: the turn
 *   model, the recogniser and the reply have the cores, and the reply does
 *   not wait for a batch step that started in the pause;
 * - while a live turn is under way (a reply or a read-ahead), batch work
 *   takes at most `batchBesideLiveTokens` per step. Every token in a step
 *   costs the caller: on a 1.5B model on two cores, 32 batch tokens beside a
 *   reply's one made each of its tokens ~8x slower (a post-call summary made
 *   the next call's reply 2-3x later). A few tokens keep the batch moving.
 *
 * On CPU a step costs about the same per token from a few dozen tokens up, so
 * the chunks cost little throughput (see the closing figures of `bench llm`).
 */
import type { BatchItem, PrioritizedBatchItem } from "node-llama-cpp";

/** node-llama-cpp's evaluation priorities (1..5) as Parley uses them. */
export const LIVE_PRIORITY = 5;
export const BATCH_PRIORITY = 1;

export interface BatchSchedulerOptions {
  /** Most prompt tokens one live sequence reads per step while others wait. */
  prefillChunkTokens: number;
  /** Most tokens one batch sequence evaluates per step. */
  batchChunkTokens: number;
  /** Most tokens one batch sequence evaluates per step while a live turn is under way. */
  batchBesideLiveTokens: number;
  /** Whether a live turn is under way now (replies generating, read-ahead prefilling). */
  liveBusy: () => boolean;
  /** Most tokens one batch sequence evaluates per step while a live call is connected, between its turns. */
  batchBesideCallsTokens?: number;
  /** Whether a live call is connected now (LlmEngine.liveCall). */
  callsConnected?: () => boolean;
  /** Whether batch work is held now: a caller has paused and their turn may be ending (LlmEngine.holdBatch). */
  batchHeld?: () => boolean;
  /** The sequence (its token meter) whose reply is first in line for its first words (FirstWordsYield), or null. */
  firstInLine?: () => object | null;
  /** A step was left empty to wait for the reply first in line (DecodeGate.retrySoon). */
  waiting?: () => void;
  /** The clock (tests); performance.now by default. */
  now?: () => number;
}

/**
 * A queued item as the patched node-llama-cpp hands it over: with its sequence's token meter, the one object of the
 * sequence it has (scripts/patch-node-llama-cpp.mjs).
 */
type SequenceItem = BatchItem & { readonly tokenMeter?: object };

/**
 * Longest the scheduler waits for the reply first in line to queue its next token before other work may go. It
 * samples and reads its last token in between (a millisecond or two), or loads its saved opening before its first
 * step; the limit is a safety net, so that a reply held up elsewhere (a stalled process) cannot stop the LLM.
 */
export const FIRST_IN_LINE_WAIT_MS = 200;

/** Builds the strategy passed as `batching.itemPrioritizationStrategy`. */
export function liveFirstStrategy(o: BatchSchedulerOptions) {
  const now = o.now ?? (() => performance.now());
  /** Since when the reply first in line has had nothing queued while others had (null: it has, or there is none). */
  let missingSince: number | null = null;
  return ({ items, size }: { items: readonly BatchItem[]; size: number }): PrioritizedBatchItem[] => {
    let live = items.filter((i) => i.evaluationPriority >= LIVE_PRIORITY);
    let batch = items.filter((i) => i.evaluationPriority < LIVE_PRIORITY);
    // The reply first in line for its first words decodes alone; when its next token is not queued yet, the step
    // waits for it (briefly), so the others do not take the step it is about to need.
    // Items without a token meter come from an install that missed the postinstall change: no one can be told apart.
    const first = items.some((i) => (i as SequenceItem).tokenMeter === undefined) ? null : (o.firstInLine?.() ?? null);
    if (first === null) missingSince = null;
    else {
      const its = live.filter((i) => (i as SequenceItem).tokenMeter === first);
      if (its.length > 0) {
        missingSince = null;
        live = its;
        batch = [];
      } else if (now() - (missingSince ??= now()) < FIRST_IN_LINE_WAIT_MS) {
        o.waiting?.();
        return [];
      }
    }
    if (batch.length > 0 && o.batchHeld?.()) {
      // Batch work waits for the hold to end; with nothing live queued the step stays empty and is asked again soon,
      // since a reply (or a read-ahead) may queue its tokens any moment.
      batch = [];
      if (live.length === 0) {
        o.waiting?.();
        return [];
      }
    }
    const out: PrioritizedBatchItem[] = [];
    let left = size;
    const crowded = items.length > 1;
    left = share(live, left, crowded ? o.prefillChunkTokens : Infinity, out);
    share(batch, left, batchCap(o, live.length > 0), out);
    return out;
  };
}

/** How many tokens a batch sequence may take in this step. */
function batchCap(o: BatchSchedulerOptions, liveInStep: boolean): number {
  if (liveInStep || o.liveBusy()) return o.batchBesideLiveTokens;
  if (o.callsConnected?.()) return Math.min(o.batchChunkTokens, o.batchBesideCallsTokens ?? o.batchChunkTokens);
  return o.batchChunkTokens;
}

/**
 * Gives each item up to `cap` tokens out of `budget`, fairly: first one token
 * each (a decoding sequence needs exactly one), then the rest in turn.
 * Returns what is left of the budget.
 */
function share(items: readonly BatchItem[], budget: number, cap: number, out: PrioritizedBatchItem[]): number {
  if (items.length === 0 || budget <= 0) return budget;
  const amounts = items.map(() => 0);
  let left = budget;
  let progress = true;
  // Round-robin in growing slices: one token each, then fair shares of what is left.
  while (left > 0 && progress) {
    progress = false;
    const wanting = items.filter((item, i) => amounts[i]! < Math.min(item.tokens.length, cap)).length;
    if (wanting === 0) break;
    const slice = Math.max(1, Math.floor(left / wanting));
    items.forEach((item, i) => {
      const want = Math.min(item.tokens.length, cap) - amounts[i]!;
      if (want <= 0 || left <= 0) return;
      const give = Math.min(want, slice, left);
      amounts[i]! += give;
      left -= give;
      progress = true;
    });
  }
  items.forEach((item, i) => {
    if (amounts[i]! > 0) out.push({ item, processAmount: amounts[i]! });
  });
  return left;
}
