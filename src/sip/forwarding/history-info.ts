import { parseUri } from "../uri.js";
import { nameAddrEntries, uriUser } from "./entries.js";

/**
 * One entry of History-Info (RFC 7044, and RFC 4244 before it): a target the
 * request was sent to, in the order of its index ("1", "1.1", "1.1.1"...).
 */
export interface HistoryEntry {
  uri: string;
  user: string | null;
  index: string;
  /** The SIP cause (RFC 4458 `cause=` URI parameter, or the Reason in the URI's headers) for retargeting *to* this entry. */
  cause: number | null;
  /** How this target came about (RFC 7044 tags): rc = retargeted, same user; mp = mapped to another user (voicemail, forwarding); np = not changed. */
  tag: "rc" | "mp" | "np" | null;
  /** The index the tag points at: the entry this one was retargeted or mapped from. */
  from: string | null;
}

/**
 * Parses History-Info values into index order ("1" < "1.1" < "1.2" < "2"): a PBX sends them in that order, but a
 * proxy on the way may split or reorder header lines, and "the last entry" must be the last by index. Entries
 * without a URI or index are skipped.
 */
export function parseHistoryInfo(values: string | readonly string[] | undefined): HistoryEntry[] {
  const out: HistoryEntry[] = [];
  for (const addr of nameAddrEntries(values)) {
    const index = addr.params.index;
    if (!index || !/^\d+(?:\.\d+)*$/.test(index)) continue;
    const tag = (["mp", "rc", "np"] as const).find((t) => t in addr.params) ?? null;
    out.push({
      uri: addr.uri,
      user: uriUser(addr.uri),
      index,
      cause: causeOf(addr.uri),
      tag,
      from: tag ? (addr.params[tag] ?? parentIndex(index)) : null,
    });
  }
  return out.sort((a, b) => compareIndex(a.index, b.index)); // stable: equal indexes keep header order
}

/** Orders dotted indexes by their numbers, a parent before its children: "1.2" < "1.10", "1" < "1.1". */
export function compareIndex(a: string, b: string): number {
  const x = a.split(".").map(Number);
  const y = b.split(".").map(Number);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return (x[i] ?? 0) - (y[i] ?? 0);
  return x.length - y.length;
}

/** "1.1.2" -> "1.1"; "1" -> null. */
export function parentIndex(index: string): string | null {
  const dot = index.lastIndexOf(".");
  return dot < 0 ? null : index.slice(0, dot);
}

/** `;cause=486` (RFC 4458) or `?Reason=SIP%3Bcause%3D486...` (RFC 4244) on an entry's URI. */
function causeOf(uri: string): number | null {
  const parsed = parseUri(uri);
  const param = parsed?.params.cause;
  if (param && /^\d{3}$/.test(param)) return Number(param);
  const headers = decodeSafe(parsed?.headers ?? "");
  const reason = /(?:^|&)reason=sip\s*;\s*cause\s*=\s*(\d{3})/i.exec(headers);
  return reason?.[1] ? Number(reason[1]) : null;
}

function decodeSafe(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
