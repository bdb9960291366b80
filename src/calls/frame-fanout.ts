import type { Frame } from "../audio/index.js";
import { Channel } from "../lib/channel.js";

/**
 * RTP gives one reader for the caller's frames; a call needs them in turn
 * for the conversation, then (taking a message) for the recording, and the
 * whole time for the call recording. This pump is that one reader.
 */
export class FrameFanout {
  private target: Channel<Frame> | null = null;
  private readonly done: Promise<void>;

  constructor(
    source: AsyncIterable<Frame>,
    private readonly tap: ((pcm: Int16Array) => void) | null,
  ) {
    this.done = (async () => {
      try {
        for await (const frame of source) {
          this.tap?.(frame.pcm);
          this.target?.push(frame);
        }
      } catch (err) {
        // The media failed (its thread died): the consumer must hear of it, not wait forever.
        this.target?.fail(err);
        throw err;
      }
      this.target?.close();
    })();
  }

  /** A fresh stream of the frames from now on; the previous consumer's stream is closed. */
  attach(): Channel<Frame> {
    this.target?.close();
    // Bounded: a consumer that stalls loses the oldest audio, never memory.
    this.target = new Channel<Frame>(250, true);
    return this.target;
  }

  async finished(): Promise<void> {
    await this.done;
  }
}
