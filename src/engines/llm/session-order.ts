/**
 * One conversation's LLM work in the order it was asked for. A reply that
 * follows a discarded speculative reply, or a read-ahead of the caller's
 * words, waits until the earlier work has handed its KV-cache slot back, and
 * then gets that same slot with everything it already evaluated. Without
 * this, the new reply would find the conversation's slot still busy (an
 * aborted evaluation ends only after its current batch), take another one
 * and prefill the whole prompt again, while the aborted batch still holds
 * the CPU.
 */
export class SessionOrder {
  private readonly last = new Map<string, Promise<void>>();

  /** Whether work for this conversation is under way or waiting. */
  busy(key: string): boolean {
    return this.last.has(key);
  }

  /** Waits for the conversation's earlier work to finish; call the returned function when this work is done. */
  async enter(key: string | undefined): Promise<() => void> {
    if (key === undefined) return () => undefined;
    const before = this.last.get(key);
    let done!: () => void;
    const mine = new Promise<void>((resolve) => (done = resolve));
    this.last.set(key, mine);
    await before;
    return () => {
      done();
      if (this.last.get(key) === mine) this.last.delete(key);
    };
  }
}
