import type { SSEStreamingApi } from "hono/streaming";
import type { EventBus } from "../../events/bus.js";
import { eventEnvelope } from "../../events/envelope.js";

export interface EventStreamOptions {
  bus: EventBus;
  /** Send events with ids above this one (0: everything stored). */
  after: number;
  /** Only these types; null for all. */
  types: ReadonlySet<string> | null;
  /** A comment line this often keeps proxies and load balancers from closing an idle stream. */
  heartbeatMs: number;
  /** How often to look for events other processes (a separate `parley worker`) stored. */
  pollMs: number;
  pageSize?: number;
}

/**
 * Writes stored events to an SSE stream, oldest first, then live ones, until
 * the client goes away (or the server closes its connection).
 *
 * Every event is read from the `events` table in id order, never taken from
 * the bus directly: a bus notification (or the poll) only says "read again
 * after the cursor". So the replay and the live part are one sequence, with
 * no gap or duplicate at the seam, and events published by another process
 * sharing the database arrive too (within `pollMs`). Ids grow in commit
 * order because SQLite has one writer at a time.
 */
export async function streamEvents(stream: SSEStreamingApi, o: EventStreamOptions): Promise<void> {
  let cursor = o.after;
  let dirty = true; // the first pass is the replay
  let wake: (() => void) | null = null;
  const nudge = (): void => {
    dirty = true;
    wake?.();
  };
  // Told of events published here and of those relayed from other nodes (store.url on PostgreSQL).
  const unsubscribe = o.bus.watch(nudge);
  const poll = setInterval(nudge, o.pollMs);
  const heartbeat = setInterval(() => void stream.write(": heartbeat\n\n"), o.heartbeatMs);
  stream.onAbort(nudge);
  try {
    while (!stream.aborted) {
      if (!dirty) {
        await new Promise<void>((resolve) => (wake = resolve));
        wake = null;
        continue;
      }
      dirty = false;
      cursor = await drain(stream, o, cursor);
    }
  } finally {
    unsubscribe();
    clearInterval(poll);
    clearInterval(heartbeat);
  }
}

/** Sends everything stored after `cursor`, page by page; returns the new cursor. */
async function drain(stream: SSEStreamingApi, o: EventStreamOptions, cursor: number): Promise<number> {
  const pageSize = o.pageSize ?? 500;
  for (;;) {
    const batch = await o.bus.since(cursor, pageSize);
    for (const e of batch) {
      if (stream.aborted) return cursor;
      // The cursor passes filtered-out events too, so they are not read again.
      cursor = e.id;
      if (o.types && !o.types.has(e.type)) continue;
      // Awaiting each write is the backpressure: a slow client holds its own stream, nobody else's.
      await stream.writeSSE({ id: String(e.id), event: e.type, data: JSON.stringify(eventEnvelope(e)) });
    }
    if (batch.length < pageSize) return cursor;
  }
}
