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
    setImmediate(() => {
      if (this.held) this.pending = dispatch;
      else dispatch();
    });
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

/**
 * When the LLM may step aside: only while no caller's reply is still waiting
 * on it for its first words. A reply that reaches them (the agent handed its
 * first clause to TTS) may hold decoding; a reply that starts, or one still
 * decoding towards its first clause, keeps it running, since the LLM is then
 * on that caller's critical path.
 */
export class FirstWordsYield {
  /** Live replies that have not reached their first words yet, by their conversation. */
  private readonly waiting = new Map<symbol, string | undefined>();

  constructor(
    private readonly gate: DecodeGate,
    /** Longest hold; 0 never holds. */
    private readonly maxMs: number,
  ) {}

  /** A live reply starts: any hold ends, since this caller now waits on the LLM. Returns the call for its end. */
  begin(sessionKey: string | undefined): () => void {
    const id = Symbol("reply");
    this.waiting.set(id, sessionKey);
    this.gate.releaseAll();
    return () => this.waiting.delete(id);
  }

  /** The reply of `sessionKey` reached its first words; holds decoding until `speaking` settles if nobody else waits. */
  yieldTo(sessionKey: string, speaking: Promise<unknown>): boolean {
    for (const [id, key] of this.waiting) if (key === sessionKey) this.waiting.delete(id);
    if (this.maxMs <= 0 || this.waiting.size > 0) return false;
    this.gate.hold(speaking, this.maxMs);
    return true;
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
