import { parseNameAddr, type NameAddr } from "../uri.js";
import { formatParams, parseParams, splitTopLevel } from "../syntax.js";
import { getHeader, getHeaders, type SipMessage } from "./message.js";

/** A parsed Via entry. `host` keeps IPv6 brackets. */
export interface Via {
  transport: string;
  host: string;
  port?: number;
  params: Record<string, string | null>;
}

export interface CSeq {
  seq: number;
  method: string;
}

/** What every message must carry to be handled at all; messages lacking any of it are dropped. */
export interface Essentials {
  callId: string;
  cseq: CSeq;
  from: NameAddr;
  to: NameAddr;
  vias: Via[];
  topVia: Via;
}

const VIA =
  /^SIP\s*\/\s*2\.0\s*\/\s*([A-Za-z]+)\s+(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(?:\s*:\s*(\d{1,5}))?\s*(?:;(.*))?$/;

/** Parses one Via entry ("SIP/2.0/UDP host:port;branch=..."). */
export function parseVia(value: string): Via | null {
  const m = VIA.exec(value.trim());
  if (!m?.[1] || !m[2]) return null;
  const via: Via = { transport: m[1].toUpperCase(), host: m[2].toLowerCase(), params: m[4] ? parseParams(m[4]) : {} };
  if (m[3]) via.port = Number(m[3]);
  return via;
}

/** Formats a Via entry. */
export function formatVia(via: Via): string {
  return `SIP/2.0/${via.transport} ${via.host}${via.port ? `:${via.port}` : ""}${formatParams(via.params)}`;
}

/** Parses "314159 INVITE". */
export function parseCSeq(value: string): CSeq | null {
  const m = /^(\d{1,10})\s+([A-Za-z0-9\-.!%*_+`'~]+)$/.exec(value.trim());
  if (!m?.[1] || !m[2]) return null;
  const seq = Number(m[1]);
  return seq < 2 ** 31 ? { seq, method: m[2].toUpperCase() } : null;
}

/** Reads Call-ID, CSeq, From, To and Via; null when any is missing or malformed. */
export function readEssentials(msg: SipMessage): Essentials | null {
  const callId = getHeader(msg, "call-id");
  const cseq = parseCSeq(getHeader(msg, "cseq") ?? "");
  const from = parseNameAddr(getHeader(msg, "from") ?? "");
  const to = parseNameAddr(getHeader(msg, "to") ?? "");
  const vias = getHeaders(msg, "via").map(parseVia);
  const topVia = vias[0];
  if (!callId || callId.length > 256 || !cseq || !from || !to || !topVia || vias.some((v) => v === null)) return null;
  if (msg.kind === "request" && cseq.method !== msg.method) return null;
  return { callId, cseq, from, to, vias: vias as Via[], topVia };
}

/** The tag parameter of a From/To value. */
export function tagOf(addr: NameAddr): string | undefined {
  return addr.params.tag ?? undefined;
}

/**
 * Stamps the top Via of a received request with `received` (when the source
 * address differs from sent-by, RFC 3261 18.2.1) and the `rport` value (RFC
 * 3581), so the responses we copy it into tell a NATed peer how it is seen.
 */
export function stampReceived(
  headers: { name: string; value: string }[],
  top: Via,
  sourceAddress: string,
  sourcePort: number,
): void {
  const bare = top.host.replace(/^\[|\]$/g, "");
  const params = { ...top.params };
  if (bare.toLowerCase() !== sourceAddress.toLowerCase()) params.received = sourceAddress;
  if ("rport" in params) params.rport = String(sourcePort);
  if (params.received === top.params.received && params.rport === top.params.rport) return;
  const at = headers.findIndex((h) => h.name === "via");
  const first = headers[at];
  if (!first) return;
  const rest = splitTopLevel(first.value, ",").slice(1);
  first.value = [formatVia({ ...top, params }), ...rest].join(", ");
}
