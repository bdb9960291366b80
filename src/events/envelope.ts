import { isoTime } from "../lib/iso-time.js";
import type { EventRecord } from "../store/repos/events-repo.js";

/** How an event travels outside the process: the webhook body and the SSE `data:` line alike. */
export interface EventEnvelope {
  id: number;
  type: string;
  /** ISO 8601, UTC, like every time Parley sends out. */
  createdAt: string;
  data: unknown;
}

/** Fields of event data that are times: stored as ms, sent as ISO 8601. */
export const EVENT_TIME_FIELDS: ReadonlySet<string> = new Set(["runAt", "nextAttemptAt"]);

export function eventEnvelope(e: Pick<EventRecord, "id" | "type" | "createdAt" | "data">): EventEnvelope {
  return { id: e.id, type: e.type, createdAt: isoTime(e.createdAt), data: outwardData(e.data) };
}

function outwardData(data: unknown): unknown {
  if (!data || typeof data !== "object" || Array.isArray(data)) return data;
  return Object.fromEntries(
    Object.entries(data).map(([k, v]) => [k, EVENT_TIME_FIELDS.has(k) && typeof v === "number" ? isoTime(v) : v]),
  );
}
