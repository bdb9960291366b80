/**
 * The agent's outgoing audio, on the main thread: a FIFO of playback items
 * whose samples are handed to the media worker, which plays them out 160 a
 * tick (see Playout) and reports back.
 *
 * An item is a whole buffer or a stream (TTS chunks as they are made).
 * Streams are pulled lazily, only while less than a high-water mark (2 s) is
 * queued ahead of what was played, so a fast TTS does not render a whole
 * answer that barge-in will throw away, and yet a stall of this thread (an
 * inference callback, a GC) does not starve the caller's ear: the worker
 * keeps playing what it holds. Each item's `done` carries the exact count of
 * samples the worker sent, so the call layer knows what the caller heard
 * when a turn is cut short (barge-in keeps only that in the history).
 *
 * `clear()` (barge-in) and `cancel()` take effect here at once (`playing`
 * turns false, producers stop) and in the worker at its next message, before
 * its next packet: playback stops within one frame. `done` settles when the
 * worker confirms, with what was really played.
 */
import type { Frame } from "../audio/index.js";
import { RtpError } from "./errors.js";

/** What `play` accepts: 8 kHz PCM16, whole or streamed. */
export type PlaybackSource = Int16Array | Frame | AsyncIterable<Int16Array | Frame>;

export type PlaybackEndReason = "completed" | "cleared" | "aborted" | "closed" | "failed";

export interface PlaybackResult {
  /** True when every sample of the item was sent. */
  completed: boolean;
  reason: PlaybackEndReason;
  /** Samples sent on the wire (8 kHz): what the caller actually heard. */
  playedSamples: number;
  /** Samples handed to the queue (for a stream: those received before it ended). */
  queuedSamples: number;
  underruns: number;
  /** The stream's error, when reason is "failed". */
  error?: unknown;
}

/** A queued item; `done` settles when it has been played out or dropped. */
export interface Playback {
  readonly id: number;
  /** Samples sent so far (as of the worker's last report, at most a tick old). */
  readonly playedSamples: number;
  readonly done: Promise<PlaybackResult>;
  /** Drops this item (others keep playing); `done` resolves with reason "aborted". */
  cancel(): void;
  /** performance.now() when the first RTP packet with this item's samples went out; null if it never played. */
  readonly started: Promise<number | null>;
}

/** Where the queue's audio goes: the session's media worker. */
export interface PlayoutLink {
  enqueue(id: number, pcm: Int16Array | null, end: boolean): void;
  push(id: number, pcm: Int16Array): void;
  end(id: number, failed: boolean): void;
  cancel(id: number): void;
  clear(): void;
}

export interface PlaybackQueueOptions {
  sampleRate: number;
  /** Samples queued ahead of playback per stream item before pulling pauses; 2 s unless told. */
  highWaterSamples?: number;
  /** Called whenever the queue becomes empty, with the time it did. */
  onIdle?: (atMs: number) => void;
}

class PlayItem implements Playback {
  queuedSamples = 0;
  playedSamples = 0;
  /** No longer counted as playing (ended, cancelled, cleared): its producer stops. */
  stopped = false;
  settled = false;
  failure: unknown = undefined;
  iterator: AsyncIterator<Int16Array | Frame> | null = null;
  wake: (() => void) | null = null;
  detach: (() => void) | null = null;
  resolve!: (r: PlaybackResult) => void;
  readonly done: Promise<PlaybackResult>;
  markStarted!: (at: number | null) => void;
  readonly started: Promise<number | null>;

  constructor(
    readonly id: number,
    private readonly queue: PlaybackQueue,
  ) {
    this.done = new Promise((resolve) => (this.resolve = resolve));
    this.started = new Promise((resolve) => (this.markStarted = resolve));
  }

  cancel(): void {
    this.queue.cancel(this);
  }

  wakePump(): void {
    const w = this.wake;
    if (w !== null) {
      this.wake = null;
      w();
    }
  }
}

export class PlaybackQueue {
  /** Items counted by `playing`, in order. */
  private active: PlayItem[] = [];
  /** Items whose outcome the worker has not reported yet. */
  private readonly unsettled = new Map<number, PlayItem>();
  private readonly highWater: number;
  private idleWaiters: (() => void)[] = [];
  private nextId = 1;

  constructor(
    private readonly link: PlayoutLink,
    private readonly o: PlaybackQueueOptions,
  ) {
    this.highWater = o.highWaterSamples ?? 2 * o.sampleRate;
  }

  /** True while anything is queued or playing. */
  get playing(): boolean {
    return this.active.length > 0;
  }

  /** Queues audio behind what is already queued. Throws RtpError (400) for audio at another rate. */
  enqueue(source: PlaybackSource, signal?: AbortSignal): Playback {
    const whole = source instanceof Int16Array || isFrame(source) ? this.toPcm(source) : null;
    const item = new PlayItem(this.nextId++, this);
    if (signal?.aborted) {
      this.settle(item, { reason: "aborted", playedSamples: 0, underruns: 0 });
      return item;
    }
    this.active.push(item);
    this.unsettled.set(item.id, item);
    if (whole !== null) {
      item.queuedSamples = whole.length;
      this.link.enqueue(item.id, whole.slice(), true); // a copy: the caller keeps its buffer, ours is transferred
    } else {
      this.link.enqueue(item.id, null, false);
      void this.pump(item, source as AsyncIterable<Int16Array | Frame>);
    }
    if (signal !== undefined) {
      const onAbort = () => this.cancel(item);
      signal.addEventListener("abort", onAbort, { once: true });
      item.detach = () => signal.removeEventListener("abort", onAbort);
    }
    return item;
  }

  /** Barge-in: drops every item now; returns how many were dropped. */
  clear(): number {
    const n = this.active.length;
    if (n === 0) return 0;
    for (const item of this.active) this.stop(item);
    this.active = [];
    this.link.clear();
    this.becameIdle(performance.now());
    return n;
  }

  /** Drops one item. */
  cancel(item: PlayItem): void {
    if (item.stopped) return;
    this.stop(item);
    this.active = this.active.filter((x) => x !== item);
    this.link.cancel(item.id);
    if (this.active.length === 0) this.becameIdle(performance.now());
  }

  /** Resolves when nothing is queued (at once if nothing is). */
  idle(): Promise<void> {
    if (this.active.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** The session is closing: producers stop now; the worker reports each item as "closed". */
  stopAll(): void {
    for (const item of this.active) this.stop(item);
    if (this.active.length > 0) {
      this.active = [];
      this.becameIdle(performance.now());
    }
  }

  // What the worker reports (times already on this thread's clock).

  started(id: number, atMs: number): void {
    this.unsettled.get(id)?.markStarted(atMs);
  }

  progress(id: number, playedSamples: number): void {
    const item = this.unsettled.get(id);
    if (item === undefined) return;
    item.playedSamples = playedSamples;
    if (item.queuedSamples - playedSamples < this.highWater) item.wakePump();
  }

  ended(id: number, reason: PlaybackEndReason, playedSamples: number, underruns: number, atMs: number): void {
    const item = this.unsettled.get(id);
    if (item === undefined) return;
    const wasActive = !item.stopped;
    this.stop(item);
    if (wasActive) this.active = this.active.filter((x) => x !== item);
    this.settle(item, { reason, playedSamples, underruns });
    if (wasActive && this.active.length === 0) this.becameIdle(atMs);
  }

  /** The media worker is gone: every item ends as "failed" with what it had played. */
  failAll(err: Error): void {
    this.stopAll();
    for (const item of [...this.unsettled.values()]) {
      item.failure ??= err;
      this.settle(item, { reason: "failed", playedSamples: item.playedSamples, underruns: 0 });
    }
  }

  private stop(item: PlayItem): void {
    if (item.stopped) return;
    item.stopped = true;
    item.detach?.();
    const it = item.iterator;
    if (it !== null) {
      // Stop the producer (e.g. TTS for a sentence nobody will hear).
      try {
        void Promise.resolve(it.return?.()).catch(() => undefined);
      } catch {
        // a broken iterator must not break barge-in
      }
    }
    item.wakePump();
  }

  private settle(item: PlayItem, r: { reason: PlaybackEndReason; playedSamples: number; underruns: number }): void {
    if (item.settled) return;
    item.settled = true;
    item.stopped = true;
    this.unsettled.delete(item.id);
    item.playedSamples = r.playedSamples;
    item.markStarted(null); // no-op when it already started
    const result: PlaybackResult = {
      completed: r.reason === "completed",
      reason: r.reason,
      playedSamples: r.playedSamples,
      queuedSamples: item.queuedSamples,
      underruns: r.underruns,
    };
    if (r.reason === "failed") result.error = item.failure;
    item.resolve(result);
  }

  private becameIdle(atMs: number): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
    this.o.onIdle?.(atMs);
  }

  private async pump(item: PlayItem, source: AsyncIterable<Int16Array | Frame>): Promise<void> {
    let failed = false;
    try {
      const it = source[Symbol.asyncIterator]();
      item.iterator = it;
      while (!item.stopped) {
        if (item.queuedSamples - item.playedSamples >= this.highWater) {
          await new Promise<void>((resolve) => (item.wake = resolve));
          continue;
        }
        const r = await it.next();
        if (item.stopped) return;
        if (r.done === true) break;
        const pcm = this.toPcm(r.value);
        if (pcm.length === 0) continue;
        item.queuedSamples += pcm.length;
        this.link.push(item.id, pcm.slice());
      }
    } catch (err) {
      if (item.stopped) return;
      item.failure = err;
      failed = true;
    }
    // Whatever was handed over still plays; the worker reports the item once it is drained.
    if (!item.stopped) this.link.end(item.id, failed);
  }

  private toPcm(chunk: Int16Array | Frame): Int16Array {
    if (chunk instanceof Int16Array) return chunk;
    if (chunk.sampleRate !== this.o.sampleRate) {
      throw new RtpError(
        "rtp_rate",
        `playback needs ${this.o.sampleRate} Hz audio, got ${chunk.sampleRate} Hz: resample first`,
        { status: 400 },
      );
    }
    return chunk.pcm;
  }
}

function isFrame(x: unknown): x is Frame {
  return (
    typeof x === "object" &&
    x !== null &&
    (x as Frame).pcm instanceof Int16Array &&
    typeof (x as Frame).sampleRate === "number"
  );
}
