import { nameAddrEntries, uriUser } from "./entries.js";

/**
 * One entry of a Diversion header (RFC 5806): the address the call was
 * diverted *from* (the user who did not answer, was busy or forwards
 * everything), why, and how often.
 */
export interface DiversionEntry {
  uri: string;
  /** The URI's user: the extension or number that diverted. */
  user: string | null;
  displayName: string | null;
  /** no-answer, user-busy, unconditional, unavailable, time-of-day, do-not-disturb, deflection, follow-me, out-of-service, away, unknown. */
  reason: string | null;
  counter: number | null;
}

/**
 * Parses Diversion header values, most recent diversion first (RFC 5806 4:
 * each diverting proxy adds its entry on top), the original called party last.
 * Entries without a usable URI are skipped.
 */
export function parseDiversion(values: string | readonly string[] | undefined): DiversionEntry[] {
  return nameAddrEntries(values).map((addr) => {
    const counter =
      addr.params.counter === undefined || addr.params.counter === null ? null : Number(addr.params.counter);
    return {
      uri: addr.uri,
      user: uriUser(addr.uri),
      displayName: addr.displayName ?? null,
      reason: addr.params.reason?.toLowerCase() ?? null,
      counter: counter !== null && Number.isInteger(counter) && counter > 0 ? counter : null,
    };
  });
}
