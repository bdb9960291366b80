/**
 * The agent audio waiting to be sent, on the media side: a FIFO of items
 * (one per `RtpSession.play`), each a list of 8 kHz PCM chunks, drained 160
 * samples per packet by the sender.
 *
 * Items arrive by id from the main thread's PlaybackQueue: `open` when the
 * item is queued (so the order is kept even before a stream's first chunk),
 * `push` per chunk, `end` when its source is finished. Each item counts the
 * samples actually sent, and the sink hears, in order: when an item's first
 * samples went out, how many have been played, and how each item ended with
 * the exact count. Nothing is ever dropped to catch up: after a stall the
 * audio resumes where it stopped (see Pacer), so the count of played
 * samples is always what the caller heard.
 *
 * An underrun is an item that had started playing, has nothing ready at a
 * tick and has not ended: the caller hears a gap in the middle of a sentence.
 */

export type PlayoutEndReason = "completed" | "cleared" | "aborted" | "closed" | "failed";

/** Where the playout reports; the media session batches these for the main thread. */
export interface PlayoutSink {
  itemStarted(id: number, atMs: number): void;
  itemProgress(id: number, playedSamples: number): void;
  itemEnded(id: number, reason: PlayoutEndReason, playedSamples: number, underruns: number, atMs: number): void;
}

class Item {
  readonly chunks: Int16Array[] = [];
  head = 0;
  offset = 0;
  buffered = 0;
  played = 0;
  underruns = 0;
  starved = false;
  ended = false;
  failed = false;

  constructor(readonly id: number) {}
}

export class Playout {
  private readonly items: Item[] = [];
  /** Times an item that had started ran dry before its end, cumulative. */
  underruns = 0;

  constructor(private readonly sink: PlayoutSink) {}

  get playing(): boolean {
    return this.items.length > 0;
  }

  /** Queues a new item behind the others. */
  open(id: number): void {
    this.items.push(new Item(id));
  }

  /** Adds audio to an item; a chunk for an item already gone is dropped (it was cancelled meanwhile). */
  push(id: number, pcm: Int16Array): void {
    const item = this.find(id);
    if (item === undefined || item.ended || pcm.length === 0) return;
    item.chunks.push(pcm);
    item.buffered += pcm.length;
  }

  /** No more audio for the item; `failed` when its source threw (what was buffered still plays). */
  end(id: number, failed: boolean): void {
    const item = this.find(id);
    if (item === undefined) return;
    item.ended = true;
    item.failed = failed;
  }

  /** Copies up to `n` samples of queued audio into `out`; returns how many (the rest is the caller's silence). */
  fill(out: Int16Array, n: number, nowMs: number): number {
    let w = 0;
    const items = this.items;
    while (w < n && items.length > 0) {
      const item = items[0]!;
      if (item.buffered > 0) {
        const chunk = item.chunks[item.head]!;
        const k = Math.min(chunk.length - item.offset, n - w);
        out.set(chunk.subarray(item.offset, item.offset + k), w);
        w += k;
        item.offset += k;
        item.buffered -= k;
        if (item.played === 0) this.sink.itemStarted(item.id, nowMs);
        item.played += k;
        item.starved = false;
        if (item.offset === chunk.length) nextChunk(item);
        if (item.buffered === 0 && item.ended) this.finish(item, nowMs);
        else this.sink.itemProgress(item.id, item.played);
        continue;
      }
      if (item.ended) {
        this.finish(item, nowMs);
        continue;
      }
      // A stream with nothing ready: an underrun once it has started playing, a wait before that.
      if (item.played > 0 && !item.starved) {
        item.starved = true;
        item.underruns++;
        this.underruns++;
      }
      break;
    }
    return w;
  }

  /** Drops one item (cancel, abort). */
  remove(id: number, reason: PlayoutEndReason, nowMs: number): void {
    const i = this.items.findIndex((it) => it.id === id);
    if (i < 0) return;
    const [item] = this.items.splice(i, 1);
    this.sink.itemEnded(item!.id, reason, item!.played, item!.underruns, nowMs);
  }

  /** Drops every item now (barge-in, close); the next packet is silence. */
  clear(reason: PlayoutEndReason, nowMs: number): void {
    for (const item of this.items.splice(0)) this.sink.itemEnded(item.id, reason, item.played, item.underruns, nowMs);
  }

  private finish(item: Item, nowMs: number): void {
    this.items.shift();
    this.sink.itemEnded(item.id, item.failed ? "failed" : "completed", item.played, item.underruns, nowMs);
  }

  private find(id: number): Item | undefined {
    // Items are few (the sentences of one turn), and the one fed is nearly always the last.
    for (let i = this.items.length - 1; i >= 0; i--) if (this.items[i]!.id === id) return this.items[i];
    return undefined;
  }
}

function nextChunk(item: Item): void {
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
