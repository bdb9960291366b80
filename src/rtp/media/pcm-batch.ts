/**
 * 20 ms frames collected between two flushes to the main thread, back to
 * back in one buffer that is then transferred (not copied) with the message.
 * Usually one frame per tick; more after the worker itself was held up.
 */
const FRAME = 160;

export class PcmBatch {
  private buf = new Int16Array(FRAME * 2);
  private frames = 0;

  get size(): number {
    return this.frames;
  }

  push(pcm: Int16Array): void {
    const at = this.frames * FRAME;
    if (at + FRAME > this.buf.length) {
      const bigger = new Int16Array(this.buf.length * 2);
      bigger.set(this.buf.subarray(0, at));
      this.buf = bigger;
    }
    this.buf.set(pcm.subarray(0, FRAME), at);
    this.frames++;
  }

  /** The frames collected so far, in a buffer of their own (transferable); empties the batch. */
  take(): Int16Array | undefined {
    if (this.frames === 0) return undefined;
    const out = this.buf.slice(0, this.frames * FRAME);
    this.frames = 0;
    return out;
  }
}
