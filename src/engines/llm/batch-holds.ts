/**
 * Holds on batch work while a caller's turn may be ending (LlmEngine.holdBatch).
 *
 * From the caller's pause to the reply's first words in audio, everything on
 * the caller's path wants the cores: the turn model's verdict, the
 * recogniser's final words, the reply's prompt and first tokens, the first
 * clause's synthesis. A batch decode step beside them (a summary, a
 * voicemail's extraction) takes a core from each and makes the reply wait for
 * the step under way. While a hold is on, batch work takes no step; live work
 * goes on as before.
 */
export class BatchHolds {
  /** The hold on now per session (a pause replaces the one before it), with its safety-net timer. */
  private readonly holds = new Map<string, { id: symbol; timer: NodeJS.Timeout }>();
  /** Holds taken so far (diagnostics: loadSnapshot). */
  taken = 0;

  constructor(
    /** Longest a hold lasts: a turn that never reaches its first words (a stalled TTS) cannot stop batch work. */
    private readonly maxMs: number,
  ) {}

  get held(): boolean {
    return this.holds.size > 0;
  }

  /** Whether a caller other than `sessionKey` has paused and their turn may be ending. */
  heldByOthers(sessionKey: string): boolean {
    return this.holds.size > (this.holds.has(sessionKey) ? 1 : 0);
  }

  /** Holds batch work for `sessionKey` until the returned function is called (once or more) or maxMs passes. */
  hold(sessionKey: string): () => void {
    this.end(sessionKey);
    this.taken++;
    const id = Symbol(sessionKey);
    const release = this.releaser(sessionKey, id);
    const timer = setTimeout(release, this.maxMs);
    timer.unref();
    this.holds.set(sessionKey, { id, timer });
    return release;
  }

  /** Ends hold `id` of `sessionKey` if it is still the one on: a later pause's hold is not an earlier one's to end. */
  private releaser(sessionKey: string, id: symbol): () => void {
    return () => {
      if (this.holds.get(sessionKey)?.id === id) this.end(sessionKey);
    };
  }

  private end(sessionKey: string): void {
    const h = this.holds.get(sessionKey);
    if (h === undefined) return;
    clearTimeout(h.timer);
    this.holds.delete(sessionKey);
  }
}
