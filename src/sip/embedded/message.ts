import { splitTopLevel } from "../syntax.js";

/**
 * The SIP message model of the embedded UA. Headers stay an ordered list of
 * (canonical lower-case name, value) pairs so we can echo Via and
 * Record-Route exactly as received; the body stays bytes so Content-Length is
 * always a byte count.
 */

export interface SipHeader {
  name: string;
  value: string;
}

interface MessageBase {
  headers: SipHeader[];
  body: Buffer;
}

export interface SipRequest extends MessageBase {
  kind: "request";
  method: string;
  uri: string;
}

export interface SipResponse extends MessageBase {
  kind: "response";
  status: number;
  reason: string;
}

export type SipMessage = SipRequest | SipResponse;

/** Compact forms (RFC 3261 7.3.3 and later RFCs) expanded to full names. */
export const COMPACT: Readonly<Record<string, string>> = {
  i: "call-id",
  m: "contact",
  e: "content-encoding",
  l: "content-length",
  c: "content-type",
  f: "from",
  s: "subject",
  k: "supported",
  t: "to",
  v: "via",
  r: "refer-to",
  b: "referred-by",
  o: "event",
  u: "allow-events",
  x: "session-expires",
};

/** Headers whose values may be comma-joined lists of name-addr or via entries. */
const LIST_HEADERS = new Set([
  "via",
  "route",
  "record-route",
  "contact",
  "allow",
  "supported",
  "require",
  "proxy-require",
  "unsupported",
]);

/** Canonical (lower-case, expanded) name of a header. */
export function canonicalName(name: string): string {
  const lower = name.toLowerCase();
  return COMPACT[lower] ?? lower;
}

/** The first value of a header, or undefined. */
export function getHeader(msg: SipMessage, name: string): string | undefined {
  const key = canonicalName(name);
  return msg.headers.find((h) => h.name === key)?.value;
}

/** Every value of a header, in order; list headers are split on top-level commas. */
export function getHeaders(msg: SipMessage, name: string): string[] {
  const key = canonicalName(name);
  const values = msg.headers.filter((h) => h.name === key).map((h) => h.value);
  return LIST_HEADERS.has(key) ? values.flatMap((v) => splitTopLevel(v, ",")) : values;
}

/** Appends a header. */
export function addHeader(msg: SipMessage, name: string, value: string): void {
  msg.headers.push({ name: canonicalName(name), value });
}

/** Replaces every value of a header with one value (or removes it when value is undefined). */
export function setHeader(msg: SipMessage, name: string, value: string | undefined): void {
  const key = canonicalName(name);
  const at = msg.headers.findIndex((h) => h.name === key);
  msg.headers = msg.headers.filter((h) => h.name !== key);
  if (value !== undefined) msg.headers.splice(at < 0 ? msg.headers.length : at, 0, { name: key, value });
}

/** The body as text (SDP, sipfrag). */
export function bodyText(msg: SipMessage): string {
  return msg.body.toString("utf8");
}
