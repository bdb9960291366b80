/**
 * The conversation's hold on the LLM's batch work (LlmEngine.holdBatch) for
 * the caller's turn. It is taken at the caller's pause and ends at the first
 * of: the reply the caller hears has its first words in audio, the caller goes
 * on, the turn is over, the call ends. A speculative reply's first words end
 * it only once that reply is kept (Speculation.firstWordsHeard): one that is
 * discarded is never heard, and the reply that replaces it needs the cores as
 * much as the first did.
 */
export class TurnBatchHold {
  /** Ends the hold on now, or null when none is. */
  private release: (() => void) | null = null;

  constructor(
    /** Takes a hold from the engine; null when the engine has no batch work to hold. */
    private readonly take: () => (() => void) | null,
  ) {}

  get on(): boolean {
    return this.release !== null;
  }

  /** The caller paused: batch work waits (a no-op while a hold is on already). */
  hold(): void {
    this.release ??= this.take();
  }

  /** The caller went on, the turn is over, or the call ended. */
  end(): void {
    const release = this.release;
    this.release = null;
    release?.();
  }

  /** The first words the caller will hear are on their way: the hold on now ends once they are audio (or fail). */
  endWhenAudio(audio: Promise<unknown>): void {
    const release = this.release;
    if (release === null) return;
    const ended = () => {
      // A later pause's hold is its own: only the hold these words were for ends here.
      if (this.release === release) this.release = null;
      release();
    };
    void audio.then(ended, ended);
  }
}
