import { Counter, type Registry } from "prom-client";
import { cacheKey, normaliseText, type Voice } from "./cache-key.js";
import { PcmLru } from "./pcm-lru.js";

/**
 * The longest reply opening kept (characters): a first clause ends at most ten words in (sentences.ts,
 * FIRST_CLAUSE). Longer ones are unlikely to come again word for word.
 */
export const OPENING_MAX_CHARS = 60;

/**
 * Replies' first clauses as calls played them, for the next reply that opens
 * with the same words in the same voice ("Of course.", "Thanks for calling."):
 * it plays them at once instead of waiting for their synthesis, and the cores
 * go to the LLM and to other callers. On a 2-core box a first clause takes
 * ~50 ms to synthesise alone and twice that beside another caller's reply
 * (docs/calls.md, "Reply openings from memory").
 *
 * Memory only, never on disk or in the store, and gone at exit: an opening may
 * hold what a caller said ("Thanks, Maria."). The least recently used go first
 * when the memory is full.
 */
export class ReplyOpenings {
  private readonly memory: PcmLru | null;
  private readonly counter: Counter<"outcome">;
  private readonly counts = { recalled: 0, synthesised: 0 };

  constructor(registry: Registry, maxBytes: number) {
    this.memory = maxBytes > 0 ? new PcmLru(maxBytes) : null;
    this.counter = new Counter({
      name: "parley_reply_openings_total",
      help: "Replies' first clauses played from memory (recalled) or synthesised, where openings are kept",
      labelNames: ["outcome"],
      registers: [registry],
    });
  }

  /** Whether openings are kept at all, and this one is short enough. */
  keeps(text: string): boolean {
    return this.memory !== null && normaliseText(text).length <= OPENING_MAX_CHARS;
  }

  /** The opening `modelId` said before in `voice` (8 kHz PCM16), or undefined; counted either way when it `keeps` it. */
  recall(text: string, voice: Voice, modelId: string): Int16Array | undefined {
    if (!this.keeps(text)) return undefined;
    const pcm = this.memory!.get(cacheKey(text, voice, modelId));
    const outcome = pcm ? "recalled" : "synthesised";
    this.counts[outcome]++;
    this.counter.inc({ outcome });
    return pcm;
  }

  /** Keeps an opening synthesised live (whole, as it was queued). */
  keep(text: string, voice: Voice, modelId: string, pcm: Int16Array): void {
    if (this.keeps(text)) this.memory!.set(cacheKey(text, voice, modelId), pcm);
  }

  /** Openings recalled and synthesised since start. */
  stats(): { recalled: number; synthesised: number } {
    return { ...this.counts };
  }
}
