import { parseUri } from "../uri.js";
import { parseDiversion } from "./diversion.js";
import { parseHistoryInfo, type HistoryEntry } from "./history-info.js";
import { uriUser } from "./entries.js";

/** Where a forwarded call's mailbox was read from. */
export type ForwardSource = "diversion" | "history-info" | "request-uri-target";

export interface ForwardedUser {
  /** The user (extension or number) whose mailbox the message is for. */
  user: string;
  source: ForwardSource;
  /** Why the call was forwarded, when the header says: a Diversion reason, or a SIP cause (486, 408, 480...). */
  reason: string | null;
}

export interface ForwardedUserInput {
  /** The INVITE's Diversion values (InboundCall.headers("Diversion")). */
  diversion?: string | readonly string[] | undefined;
  /** Its History-Info values. */
  historyInfo?: string | readonly string[] | undefined;
  /** Its Request-URI: RFC 4458 voicemail URIs carry the original target (`;target=`) and `;cause=`. */
  requestUri?: string | undefined;
}

/**
 * The user who did not answer, for a call forwarded to us as a mailbox.
 * `last` (default): the most recent diverting user, whose no-answer sent the
 * call here; `original`: the first called user of a forwarding chain (what
 * Cisco Unity calls the first redirecting number). Sources in order:
 * Diversion, History-Info, the Request-URI's `target` (RFC 4458). Null when
 * none names a user; the caller then falls back to the Request-URI's user
 * or a configured mapping.
 */
export function forwardedUser(input: ForwardedUserInput, prefer: "last" | "original" = "last"): ForwardedUser | null {
  const diversions = parseDiversion(input.diversion).filter((d) => d.user !== null);
  const chosen = prefer === "last" ? diversions[0] : diversions[diversions.length - 1];
  if (chosen?.user) return { user: chosen.user, source: "diversion", reason: chosen.reason };
  const fromHistory = historyUser(parseHistoryInfo(input.historyInfo), prefer);
  if (fromHistory) return fromHistory;
  return requestUriTarget(input.requestUri);
}

/**
 * In History-Info the last entry is us (the mailbox service). With RFC 7044
 * tags, the user who did not answer is the entry the last `mp` (mapped)
 * entry points at; without tags (RFC 4244 senders), the last earlier entry
 * whose user differs from ours. `original` takes the first entry's user.
 */
function historyUser(entries: HistoryEntry[], prefer: "last" | "original"): ForwardedUser | null {
  const last = entries[entries.length - 1];
  if (!last || entries.length < 2) return null;
  const cause = last.cause === null ? null : String(last.cause);
  if (prefer === "original") {
    const first = entries.find((e) => e.user !== null);
    return first?.user && first !== last ? { user: first.user, source: "history-info", reason: cause } : null;
  }
  const mapped = [...entries].reverse().find((e) => e.tag === "mp" && e.from !== null);
  if (mapped) {
    const origin = entries.find((e) => e.index === mapped.from);
    if (origin?.user)
      return {
        user: origin.user,
        source: "history-info",
        reason: mapped.cause === null ? cause : String(mapped.cause),
      };
  }
  for (let i = entries.length - 2; i >= 0; i--) {
    const e = entries[i];
    if (e?.user && e.user !== last.user)
      return { user: e.user, source: "history-info", reason: e.cause === null ? cause : String(e.cause) };
  }
  return null;
}

/** RFC 4458: sip:voicemail@vm.example.com;target=sip:bob%40example.com;cause=486. */
function requestUriTarget(requestUri: string | undefined): ForwardedUser | null {
  const uri = requestUri ? parseUri(requestUri) : null;
  const target = uri?.params.target;
  if (!target) return null;
  let decoded = target;
  try {
    decoded = decodeURIComponent(target);
  } catch {
    // keep it as sent
  }
  const user = uriUser(/^(sips?|tel):/i.test(decoded) ? decoded : `sip:${decoded}`);
  return user ? { user, source: "request-uri-target", reason: uri.params.cause ?? null } : null;
}
