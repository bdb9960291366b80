import { AbortError } from "../../lib/errors.js";

interface Waiter<T> {
  key: string | undefined;
  resolve: (slot: T) => void;
  reject: (err: unknown) => void;
  signal: AbortSignal;
  onAbort: () => void;
}

/**
 * Hands out KV-cache slots (context sequences) in arrival order, so no
 * conversation starves. A conversation that comes back gets the slot it used
 * last when that one is free, which lets llama.cpp reuse its cached prefix
 * (a call's KV cache survives between its turns). A newcomer takes a slot
 * nobody used yet, else the one used least recently, so the caches of calls
 * still going are the last to be overwritten.
 */
export class SlotPool<T> {
  private readonly free: T[];
  private readonly owner = new Map<T, string | undefined>();
  private readonly lastUsed = new Map<T, number>();
  private readonly waiters: Waiter<T>[] = [];
  /** Slots handed back to the conversation that used them last (their KV cache is that conversation's). */
  private readonly resumedSlots = new Set<T>();
  private uses = 0;
  private readonly size: number;

  constructor(slots: T[]) {
    this.free = [...slots];
    this.size = slots.length;
  }

  get waiting(): number {
    return this.waiters.length;
  }

  /** Slots handed out now (work under way on them). */
  get inUse(): number {
    return this.size - this.free.length;
  }

  acquire(key: string | undefined, signal: AbortSignal): Promise<T> {
    if (signal.aborted) return Promise.reject(new AbortError(signal.reason));
    if (this.free.length > 0) return Promise.resolve(this.take(key));
    return new Promise<T>((resolve, reject) => {
      const waiter: Waiter<T> = {
        key,
        resolve,
        reject,
        signal,
        onAbort: () => {
          this.waiters.splice(this.waiters.indexOf(waiter), 1);
          reject(new AbortError(signal.reason));
        },
      };
      signal.addEventListener("abort", waiter.onAbort, { once: true });
      this.waiters.push(waiter);
    });
  }

  /** A free slot right now (the one `key` used last when free), or null: never waits, never jumps the queue. */
  tryAcquire(key: string | undefined): T | null {
    if (this.free.length === 0 || this.waiters.length > 0) return null;
    return this.take(key);
  }

  release(slot: T): void {
    this.lastUsed.set(slot, ++this.uses);
    const next = this.waiters.shift();
    if (!next) {
      this.free.push(slot);
      return;
    }
    next.signal.removeEventListener("abort", next.onAbort);
    this.assign(slot, next.key);
    next.resolve(slot);
  }

  private take(key: string | undefined): T {
    let index = key === undefined ? -1 : this.free.findIndex((s) => this.owner.get(s) === key);
    if (index < 0) index = this.free.findIndex((s) => !this.owner.has(s));
    if (index < 0) index = this.leastRecentlyUsed();
    const [slot] = this.free.splice(index, 1) as [T];
    this.assign(slot, key);
    return slot;
  }

  /** Whether `slot` went back to the conversation that held it last (so it still holds that conversation). */
  resumed(slot: T): boolean {
    return this.resumedSlots.has(slot);
  }

  private assign(slot: T, key: string | undefined): void {
    if (key !== undefined && this.owner.get(slot) === key) this.resumedSlots.add(slot);
    else this.resumedSlots.delete(slot);
    this.owner.set(slot, key);
  }

  private leastRecentlyUsed(): number {
    let best = 0;
    for (let i = 1; i < this.free.length; i++) {
      if ((this.lastUsed.get(this.free[i]!) ?? 0) < (this.lastUsed.get(this.free[best]!) ?? 0)) best = i;
    }
    return best;
  }
}
