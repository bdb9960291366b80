/** How soon a step left empty is asked again (see DecodeGate.retrySoon). */
const RETRY_MS = 1;

/**
 * Lets the LLM step aside while a reply's first words are synthesised.
 *
 * At the first clause of a reply the TTS and the LLM both want the cores:
 * the TTS renders the words the caller is waiting for, and the LLM goes on
 * decoding the rest of the reply, which nobody hears for a second or more.
 * On a two-core box the TTS took 20-30 ms longer beside it
 * (docs/turn-taking.md, "First words before the rest"). A hold stops
 * llama.cpp's next decode step from starting until the first words are
 * audio (or `maxMs` has passed), then decoding goes on where it stopped.
 *
 * It works through node-llama-cpp's `batching.dispatchSchedule`: the context
 * asks it when to run its next batch, and while a hold is on the request
 * waits here. The step under way when a hold starts finishes (a few tens of
 * ms at most); none starts after it. One caveat of the library: when every
 * sequence of the context has a decode queued it dispatches at once, without
 * asking (rare: the context has a sequence per live call plus batch ones).
 */
export class DecodeGate {
  /** Each hold on now, with its timer. */
  private readonly holds = new Map<symbol, NodeJS.Timeout>();
  private pending: (() => void) | null = null;
  /** The last step was left empty to wait for the reply first in line (see retrySoon). */
  private retry = false;
  /** Holds started so far: a token gap across one is a pause, not a slow step (the load measure skips it). */
  started = 0;

  /** Whether a hold is on now. */
  get held(): boolean {
    return this.holds.size > 0;
  }

  /** node-llama-cpp's dispatch schedule: the next step runs on the next turn of the event loop, unless held. */
  schedule(dispatch: () => void): void {
    // Decided on the next turn, not now: a hold set meanwhile (the agent reads the token that ended the first clause
    // in the microtasks after it was sampled) then stops this very step.
    const run = () => {
      if (this.held) this.pending = dispatch;
      else dispatch();
    };
    if (!this.retry) setImmediate(run);
    else {
      this.retry = false;
      setTimeout(run, RETRY_MS);
    }
  }

  /**
   * The batch scheduler left a step empty, waiting for the reply first in line to queue its next token: the next
   * step is asked again after a millisecond rather than on the next turn of the event loop, which would spin it.
   */
  retrySoon(): void {
    this.retry = true;
  }

  /** Holds decoding until `until` settles or `maxMs` passes, whichever is first. */
  hold(until: Promise<unknown>, maxMs: number): void {
    this.started++;
    const id = Symbol("hold");
    const end = () => this.end(id);
    const timer = setTimeout(end, maxMs);
    timer.unref();
    this.holds.set(id, timer);
    until.then(end, end);
  }

  /** Ends every hold now: someone else's reply needs the LLM (or the engine is closing). */
  releaseAll(): void {
    for (const id of [...this.holds.keys()]) this.end(id);
  }

  private end(id: symbol): void {
    const timer = this.holds.get(id);
    if (timer === undefined) return;
    clearTimeout(timer);
    this.holds.delete(id);
    if (this.held) return;
    const dispatch = this.pending;
    this.pending = null;
    if (dispatch) setImmediate(dispatch);
  }
}

/** A live reply as FirstWordsYield knows it, from its start to its end. */
export interface FirstWordsReply {
  /**
   * The reply has its context sequence, known by the sequence's token meter (`LlamaContextSequence.tokenMeter`,
   * which the batch scheduler sees on each queued item): from now on its decode steps can be told apart.
   */
  bind(sequence: object): void;
  /** The reply ended (or failed): it no longer waits for its first words. */
  end(): void;
}

/**
 * When the LLM may step aside, and which reply it serves first.
 *
 * Stepping aside: only while no caller's reply is still waiting on the LLM
 * for its first words. A reply that reaches them (the agent handed its first
 * clause to TTS) may hold decoding; a reply that starts, or one still
 * decoding towards its first clause, keeps it running, since the LLM is then
 * on that caller's critical path.
 *
 * Serving first (`inTurns`): the reply that started first among those still
 * before their first words is first in line (`firstInLine`), and the batch
 * scheduler decodes its steps alone while it is. On CPU a step that decodes
 * two replies costs what two steps cost, so side by side both callers hear
 * the agent as late as the second would in turns; in turns the first caller
 * hears it a reply's worth of work sooner. Where a batch of several costs
 * little more than one (a GPU), side by side is better, so there are no turns
 * there (docs/turn-taking.md, "Replies in turn").
 */
export class FirstWordsYield {
  /** Live replies that have not reached their first words yet, in the order they started. */
  private readonly waiting = new Map<symbol, { sessionKey: string | undefined; sequence: object | null }>();

  constructor(
    private readonly gate: DecodeGate,
    /** Longest hold; 0 never holds. */
    private readonly maxMs: number,
    /** Whether replies take turns for their first words (`firstInLine`). */
    private readonly inTurns = false,
  ) {}

  /** A live reply starts: any hold ends, since this caller now waits on the LLM. */
  begin(sessionKey: string | undefined): FirstWordsReply {
    const id = Symbol("reply");
    const entry = { sessionKey, sequence: null as object | null };
    this.waiting.set(id, entry);
    this.gate.releaseAll();
    return { bind: (sequence) => (entry.sequence = sequence), end: () => this.waiting.delete(id) };
  }

  /** The reply of `sessionKey` reached its first words; holds decoding until `speaking` settles if nobody else waits. */
  yieldTo(sessionKey: string, speaking: Promise<unknown>): boolean {
    for (const [id, reply] of this.waiting) if (reply.sessionKey === sessionKey) this.waiting.delete(id);
    if (this.maxMs <= 0 || this.waiting.size > 0) return false;
    this.gate.hold(speaking, this.maxMs);
    return true;
  }

  /**
   * The sequence (its token meter) of the reply first in line for its first words: the earliest started of those
   * before them that has its sequence. Null when none, or when replies do not take turns.
   */
  firstInLine(): object | null {
    if (!this.inTurns) return null;
    for (const reply of this.waiting.values()) if (reply.sequence !== null) return reply.sequence;
    return null;
  }

  /** Holds started so far (see DecodeGate.started). */
  get holds(): number {
    return this.gate.started;
  }

  /** Ends any hold now (the engine is closing). */
  release(): void {
    this.gate.releaseAll();
  }
}
