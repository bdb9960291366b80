/**
 * The agent's outgoing audio: a FIFO of playback items that the pacer drains
 * 160 samples per tick.
 *
 * An item is a whole buffer or a stream (TTS chunks as they are made). Each
 * item counts the samples actually sent, so the call layer knows what the
 * caller really heard when a turn is cut short (barge-in keeps only that in
 * the history). Streams are pulled lazily up to a high-water mark, so a fast
 * TTS does not buffer a whole answer that barge-in will throw away.
 *
 * `clear()` settles every item at once: the next tick already sends silence,
 * so playback stops within one frame. An underrun is a stream item that had
 * started playing and has nothing ready at a tick: the caller hears a gap in
 * the middle of a sentence.
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
  readonly playedSamples: number;
  readonly done: Promise<PlaybackResult>;
  /** Drops this item (others keep playing); `done` resolves with reason "aborted". */
  cancel(): void;
  /** performance.now() at the tick that sent this item's first samples (the first RTP packet out); null if it never played. */
  readonly started: Promise<number | null>;
}

export interface PlaybackQueueOptions {
  sampleRate: number;
  /** Samples buffered ahead per stream item before pulling pauses; 2 s unless told. */
  highWaterSamples?: number;
  /** Called whenever the queue becomes empty. */
  onIdle?: () => void;
}

class PlayItem implements Playback {
  chunks: Int16Array[] = [];
  head = 0;
  offset = 0;
  buffered = 0;
  queuedSamples = 0;
  playedSamples = 0;
  underruns = 0;
  starved = false;
  ended = false;
  settled = false;
  failure: unknown = undefined;
  iterator: AsyncIterator<Int16Array | Frame> | null = null;
  wake: (() => void) | null = null;
  detach: (() => void) | null = null;
  resolve!: (r: PlaybackResult) => void;
  readonly done: Promise<PlaybackResult>;
  markStarted!: (at: number | null) => void;
  readonly started: Promise<number | null>;

  constructor(readonly id: number, private readonly queue: PlaybackQueue) {
    this.done = new Promise((resolve) => (this.resolve = resolve));
    this.started = new Promise((resolve) => (this.markStarted = resolve));
  }

  cancel(): void {
    this.queue.remove(this, "aborted");
  }

  push(pcm: Int16Array): void {
    if (pcm.length === 0) return;
    this.chunks.push(pcm);
    this.buffered += pcm.length;
    this.queuedSamples += pcm.length;
  }

  settle(reason: PlaybackEndReason): void {
    if (this.settled) return;
    this.settled = true;
    this.detach?.();
    this.chunks.length = 0;
    this.buffered = 0;
    const it = this.iterator;
    if (it !== null && !this.ended) {
      // Stop the producer (e.g. TTS for a sentence nobody will hear).
      try {
        void Promise.resolve(it.return?.()).catch(() => undefined);
      } catch {
        // a broken iterator must not break barge-in
      }
    }
    this.wakePump();
    this.markStarted(null); // no-op when it already started
    const r: PlaybackResult = {
      completed: reason === "completed",
      reason,
      playedSamples: this.playedSamples,
      queuedSamples: this.queuedSamples,
      underruns: this.underruns,
    };
    if (reason === "failed") r.error = this.failure;
    this.resolve(r);
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
  private readonly items: PlayItem[] = [];
  private readonly highWater: number;
  private idleWaiters: (() => void)[] = [];
  private nextId = 1;
  underruns = 0;

  constructor(private readonly o: PlaybackQueueOptions) {
    this.highWater = o.highWaterSamples ?? 2 * o.sampleRate;
  }

  /** True while anything is queued or playing. */
  get playing(): boolean {
    return this.items.length > 0;
  }

  /** Queues audio behind what is already queued. */
  enqueue(source: PlaybackSource, signal?: AbortSignal): Playback {
    const item = new PlayItem(this.nextId++, this);
    if (source instanceof Int16Array || isFrame(source)) {
      item.push(this.toPcm(source));
      item.ended = true;
    } else {
      void this.pump(item, source);
    }
    if (signal !== undefined) {
      if (signal.aborted) {
        item.settle("aborted");
        return item;
      }
      const onAbort = () => this.remove(item, "aborted");
      signal.addEventListener("abort", onAbort, { once: true });
      item.detach = () => signal.removeEventListener("abort", onAbort);
    }
    this.items.push(item);
    return item;
  }

  /** Copies up to `n` samples of queued audio into `out`; returns how many (the rest is the caller's silence). */
  fill(out: Int16Array, n: number): number {
    let w = 0;
    const items = this.items;
    while (w < n && items.length > 0) {
      const item = items[0]!;
      if (item.buffered > 0) {
        const chunk = item.chunks[item.head]!;
        const k = Math.min(chunk.length - item.offset, n - w);
        const off = item.offset;
        for (let i = 0; i < k; i++) out[w + i] = chunk[off + i]!;
        w += k;
        item.offset += k;
        item.buffered -= k;
        if (item.playedSamples === 0) item.markStarted(performance.now());
        item.playedSamples += k;
        item.starved = false;
        if (item.offset === chunk.length) this.nextChunk(item);
        if (item.buffered < this.highWater) item.wakePump();
        if (item.buffered === 0 && item.ended) this.finish(item);
        continue;
      }
      if (item.ended) {
        this.finish(item);
        continue;
      }
      // A stream with nothing ready: an underrun once it has started playing, a wait before that.
      if (item.playedSamples > 0 && !item.starved) {
        item.starved = true;
        item.underruns++;
        this.underruns++;
      }
      break;
    }
    return w;
  }

  /** Drops every item now; returns how many were dropped. */
  clear(reason: PlaybackEndReason = "cleared"): number {
    const n = this.items.length;
    if (n === 0) return 0;
    const all = this.items.splice(0);
    for (const item of all) item.settle(reason);
    this.becameIdle();
    return n;
  }

  /** Resolves when nothing is queued (at once if nothing is). */
  idle(): Promise<void> {
    if (this.items.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Drops one item. */
  remove(item: PlayItem, reason: PlaybackEndReason): void {
    const i = this.items.indexOf(item);
    if (i >= 0) this.items.splice(i, 1);
    item.settle(reason);
    if (i >= 0 && this.items.length === 0) this.becameIdle();
  }

  private finish(item: PlayItem): void {
    this.items.shift();
    item.settle(item.failure === undefined ? "completed" : "failed");
    if (this.items.length === 0) this.becameIdle();
  }

  private nextChunk(item: PlayItem): void {
    item.offset = 0;
    item.head++;
    if (item.head === item.chunks.length) {
      item.chunks.length = 0;
      item.head = 0;
    } else if (item.head >= 64) {
      item.chunks.splice(0, item.head); // a long stream: drop consumed chunk references now and then
      item.head = 0;
    }
  }

  private becameIdle(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
    this.o.onIdle?.();
  }

  private async pump(item: PlayItem, source: AsyncIterable<Int16Array | Frame>): Promise<void> {
    try {
      const it = source[Symbol.asyncIterator]();
      item.iterator = it;
      while (!item.settled) {
        if (item.buffered >= this.highWater) {
          await new Promise<void>((resolve) => (item.wake = resolve));
          continue;
        }
        const r = await it.next();
        if (item.settled) return;
        if (r.done === true) break;
        item.push(this.toPcm(r.value));
      }
    } catch (err) {
      if (item.settled) return;
      item.failure = err;
    }
    // Whatever is buffered still plays; fill() settles the item once it is drained.
    item.ended = true;
  }

  private toPcm(chunk: Int16Array | Frame): Int16Array {
    if (chunk instanceof Int16Array) return chunk;
    if (chunk.sampleRate !== this.o.sampleRate) {
      throw new RtpError("rtp_rate", `playback needs ${this.o.sampleRate} Hz audio, got ${chunk.sampleRate} Hz: resample first`, { status: 400 });
    }
    return chunk.pcm;
  }
}

function isFrame(x: unknown): x is Frame {
  return typeof x === "object" && x !== null && (x as Frame).pcm instanceof Int16Array && typeof (x as Frame).sampleRate === "number";
}
