import type { EventRecord } from "../store/repos/events-repo.js";

/** How an event travels outside the process: the webhook body and the SSE `data:` line alike. */
export interface EventEnvelope {
  id: number;
  type: string;
  /** Milliseconds since the epoch, like every time in the API. */
  createdAt: number;
  data: unknown;
}

export function eventEnvelope(e: Pick<EventRecord, "id" | "type" | "createdAt" | "data">): EventEnvelope {
  return { id: e.id, type: e.type, createdAt: e.createdAt, data: e.data };
}
