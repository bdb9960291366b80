import type { CallAudio, PlaybackHandle } from "./types.js";

type Pending = {
  start: () => void;
  drop: () => void;
};

const NOT_PLAYED = { completed: false, playedSamples: 0, queuedSamples: 0 };

/**
 * The call's audio for a speculative reply: what it queues is held (its
 * synthesis goes on into its own buffers) until the reply is kept, then
 * queued on the call in order; a discarded reply's audio never reaches the
 * call. Only `play` differs from the call's audio.
 */
export class HeldAudio implements CallAudio {
  private state: "held" | "released" | "dropped" = "held";
  private readonly pending: Pending[] = [];

  constructor(private readonly inner: CallAudio) {}

  get frames(): CallAudio["frames"] {
    return this.inner.frames;
  }

  get playing(): boolean {
    return this.state === "released" && this.inner.playing;
  }

  get inputDelayMs(): number {
    return this.inner.inputDelayMs ?? 0;
  }

  clearPlayback(): number {
    return this.state === "released" ? this.inner.clearPlayback() : 0;
  }

  play(source: Int16Array | AsyncIterable<Int16Array>, options?: { signal?: AbortSignal }): PlaybackHandle {
    if (this.state === "released") return this.inner.play(source, options);
    if (this.state === "dropped") return unplayed();
    let handle: PlaybackHandle | null = null;
    let settle: (h: PlaybackHandle | null) => void = () => undefined;
    const ready = new Promise<PlaybackHandle | null>((r) => (settle = r));
    this.pending.push({
      start: () => {
        try {
          handle = this.inner.play(source, options);
        } catch {
          handle = null; // the call's media closed meanwhile: nothing is heard
        }
        settle(handle);
      },
      drop: () => settle(null),
    });
    return {
      get playedSamples() {
        return handle?.playedSamples ?? 0;
      },
      done: ready.then((h) => (h ? h.done : NOT_PLAYED)),
      started: ready.then((h) => (h?.started ? h.started : null)),
    };
  }

  /** The reply is kept: what it queued plays now, in order, and later audio goes straight to the call. */
  release(): void {
    if (this.state !== "held") return;
    this.state = "released";
    for (const p of this.pending.splice(0)) p.start();
  }

  /** The reply is discarded: nothing it queued or queues is played. */
  drop(): void {
    if (this.state !== "held") return;
    this.state = "dropped";
    for (const p of this.pending.splice(0)) p.drop();
  }
}

function unplayed(): PlaybackHandle {
  return { playedSamples: 0, done: Promise.resolve(NOT_PLAYED), started: Promise.resolve(null) };
}
