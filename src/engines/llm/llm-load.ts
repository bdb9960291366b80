/**
 * How long live replies wait on the LLM because of other work: the queueing
 * delay that call admission and /metrics use.
 *
 * Two parts, both measured on live requests only:
 * - the wait for a KV-cache slot (all live sequences busy);
 * - the slowdown of each decoding step: every sequence of the context is
 *   decoded in the same batches, so with more callers (or batch work) in the
 *   step, each token of a reply takes longer. The extra time per token over
 *   the time a step takes with one caller alone, times the tokens of a first
 *   clause, is what a caller hears as added silence before the agent speaks.
 */
import { DecayingAverage } from "../../lib/decaying-average.js";

/** Tokens before the first clause can go to TTS (a few words with a real tokenizer). */
export const FIRST_CLAUSE_TOKENS = 8;
const HALF_LIFE_MS = 5000;

export class LlmLoad {
  private readonly slotWait = new DecayingAverage(HALF_LIFE_MS);
  private readonly extraPerToken = new DecayingAverage(HALF_LIFE_MS);
  /** Step time with one live sequence generating alone (EWMA); null until seen. */
  private soloStepMs: number | null = null;
  private fastestStepMs = Infinity;
  /** Live sequences generating right now. */
  generating = 0;

  /** A live request waited this long for a sequence. */
  slotWaited(ms: number): void {
    this.slotWait.sample(ms);
  }

  /** Time between two tokens of one live reply (one decode step as that caller saw it). */
  tokenGap(ms: number): void {
    this.fastestStepMs = Math.min(this.fastestStepMs, ms);
    if (this.generating <= 1) {
      this.soloStepMs = this.soloStepMs === null ? ms : this.soloStepMs + 0.1 * (ms - this.soloStepMs);
      this.extraPerToken.sample(0);
      return;
    }
    const solo = this.soloStepMs ?? this.fastestStepMs;
    this.extraPerToken.sample(Math.max(0, ms - solo));
  }

  /** Milliseconds a live reply currently loses before its first clause to other work. */
  get queueDelayMs(): number {
    return this.slotWait.current + this.extraPerToken.current * FIRST_CLAUSE_TOKENS;
  }

  /** The parts, for metrics and diagnostics. */
  snapshot(): { slotWaitMs: number; extraStepMs: number; soloStepMs: number | null; generating: number } {
    return {
      slotWaitMs: this.slotWait.current,
      extraStepMs: this.extraPerToken.current,
      soloStepMs: this.soloStepMs,
      generating: this.generating,
    };
  }
}
