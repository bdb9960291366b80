import { AbortError } from "./errors.js";

/**
 * A single-consumer async queue: producers `push`, one consumer iterates.
 * This is the project's one push/iterate stream type (STYLE habit 2): engine
 * streams, RTP frame flows and event fans all build on it.
 *
 * `capacity` bounds memory: when full, the oldest item is dropped if
 * `dropOldest` is set (live audio prefers fresh data), otherwise `push`
 * returns false so the producer can apply back-pressure.
 */
export class Channel<T> implements AsyncIterable<T> {
  private readonly items: T[] = [];
  private waiter: ((r: IteratorResult<T>) => void) | null = null;
  private failer: ((e: unknown) => void) | null = null;
  private closed = false;
  private error: unknown = null;
  dropped = 0;

  constructor(
    private readonly capacity = Infinity,
    private readonly dropOldest = false,
  ) {}

  get size(): number {
    return this.items.length;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  push(item: T): boolean {
    if (this.closed) return false;
    if (this.waiter) {
      const w = this.waiter;
      this.waiter = this.failer = null;
      w({ value: item, done: false });
      return true;
    }
    if (this.items.length >= this.capacity) {
      if (!this.dropOldest) return false;
      this.items.shift();
      this.dropped++;
    }
    this.items.push(item);
    return true;
  }

  /** Ends the stream; queued items are still delivered. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.waiter && this.items.length === 0) {
      const w = this.waiter;
      this.waiter = this.failer = null;
      w({ value: undefined, done: true });
    }
  }

  /** Ends the stream with an error; the consumer's next read rejects. Queued items are discarded. */
  fail(error: unknown): void {
    if (this.closed) return;
    this.closed = true;
    this.error = error;
    this.items.length = 0;
    if (this.failer) {
      const f = this.failer;
      this.waiter = this.failer = null;
      f(error);
    }
  }

  /** Next item, or `undefined` once closed and drained. */
  async next(signal?: AbortSignal): Promise<T | undefined> {
    const r = await this.read(signal);
    return r.done ? undefined : r.value;
  }

  private read(signal?: AbortSignal): Promise<IteratorResult<T>> {
    if (this.items.length > 0) return Promise.resolve({ value: this.items.shift() as T, done: false });
    if (this.error !== null) return Promise.reject(this.error);
    if (this.closed) return Promise.resolve({ value: undefined, done: true });
    if (signal?.aborted) return Promise.reject(new AbortError(signal.reason));
    return new Promise<IteratorResult<T>>((resolve, reject) => {
      const onAbort = () => {
        this.waiter = this.failer = null;
        reject(new AbortError(signal?.reason));
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.waiter = (r) => {
        signal?.removeEventListener("abort", onAbort);
        resolve(r);
      };
      this.failer = (e) => {
        signal?.removeEventListener("abort", onAbort);
        reject(e);
      };
    });
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    return {
      next: () => this.read(),
      return: async () => {
        this.close();
        this.items.length = 0;
        return { value: undefined, done: true };
      },
    };
  }
}
