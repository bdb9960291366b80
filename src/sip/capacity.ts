import type { Capacity } from "./types.js";

/** Retry-After of a plain "unavailable" (engines loading, shutting down, at the call limit). */
const DEFAULT_RETRY_AFTER_S = 5;

export interface Refusal {
  status: 486 | 503;
  reason: string;
  /** Seconds, for the Retry-After header of a 503. */
  retryAfterS?: number;
}

/** What to answer an INVITE (or OPTIONS) for the call layer's capacity verdict; null: take the call. */
export function refusalFor(capacity: Capacity): Refusal | null {
  if (capacity === "available") return null;
  if (capacity === "busy") return { status: 486, reason: "Busy Here" };
  if (capacity === "unavailable")
    return { status: 503, reason: "Service Unavailable", retryAfterS: DEFAULT_RETRY_AFTER_S };
  return { status: 503, reason: "Service Unavailable", retryAfterS: capacity.retryAfterS };
}
