import { isToken } from "../syntax.js";
import { canonicalName, type SipHeader, type SipMessage, type SipRequest, type SipResponse } from "./message.js";

/**
 * A strict, bounded parser for SIP messages (RFC 3261 7 and 25). Anything odd
 * is an error the transport logs at debug and drops: oversized input, bare CR
 * or NUL in the head (header smuggling), a bad start line, a header line
 * without a colon, conflicting or non-numeric Content-Length, or a body
 * shorter than Content-Length (truncated UDP, RFC 3261 18.3).
 */

export const LIMITS = {
  /** Largest message we accept (a UDP datagram cannot be bigger anyway). */
  maxMessageBytes: 65_535,
  maxHeaderBytes: 16_384,
  maxHeaders: 128,
  maxBodyBytes: 32_768,
} as const;

export type ParseResult<T> = { ok: true; value: T } | { ok: false; error: string };

/** The start line and headers of a message, before its body is attached. */
export type MessageHead = Omit<SipRequest, "body"> | Omit<SipResponse, "body">;

const REQUEST_LINE = /^([A-Za-z0-9\-.!%*_+`'~]+) (\S+) SIP\/2\.0$/;
const STATUS_LINE = /^SIP\/2\.0 ([1-6]\d\d)(?: (.*))?$/;

/** Parses the text before the blank line: start line and (possibly folded) headers. */
export function parseHead(text: string): ParseResult<MessageHead> {
  if (text.length > LIMITS.maxHeaderBytes) return { ok: false, error: "head too large" };
  // eslint-disable-next-line no-control-regex
  if (/\0/.test(text)) return { ok: false, error: "NUL in head" };
  const lines = text.split(/\r\n|\n/);
  while (lines.length > 0 && lines[0] === "") lines.shift();
  if (lines.some((l) => l.includes("\r"))) return { ok: false, error: "bare CR in head" };
  const start = lines.shift() ?? "";
  const headers: SipHeader[] = [];
  for (const line of lines) {
    if (line === "") return { ok: false, error: "empty line inside head" };
    const last = headers[headers.length - 1];
    if (line.startsWith(" ") || line.startsWith("\t")) {
      // Folded continuation (RFC 3261 7.3.1): joins the previous value with one space.
      if (!last) return { ok: false, error: "continuation without header" };
      last.value = `${last.value} ${line.trim()}`;
      continue;
    }
    const colon = line.indexOf(":");
    const name = colon > 0 ? line.slice(0, colon).trim() : "";
    if (!name || !isToken(name)) return { ok: false, error: "bad header line" };
    if (headers.length >= LIMITS.maxHeaders) return { ok: false, error: "too many headers" };
    headers.push({ name: canonicalName(name), value: line.slice(colon + 1).trim() });
  }
  const req = REQUEST_LINE.exec(start);
  if (req?.[1] && req[2])
    return { ok: true, value: { kind: "request", method: req[1].toUpperCase(), uri: req[2], headers } };
  const res = STATUS_LINE.exec(start);
  if (res?.[1])
    return { ok: true, value: { kind: "response", status: Number(res[1]), reason: (res[2] ?? "").trim(), headers } };
  return { ok: false, error: "bad start line" };
}

/** The Content-Length of a head: undefined when absent, an error when malformed or conflicting. */
export function contentLength(head: MessageHead): ParseResult<number | undefined> {
  const values = head.headers.filter((h) => h.name === "content-length").map((h) => h.value);
  if (values.length === 0) return { ok: true, value: undefined };
  if (values.some((v) => v !== values[0]) || !/^\d{1,6}$/.test(values[0] ?? ""))
    return { ok: false, error: "bad Content-Length" };
  const n = Number(values[0]);
  return n > LIMITS.maxBodyBytes ? { ok: false, error: "body too large" } : { ok: true, value: n };
}

/** Finds the blank line ending the head; returns [headEnd, bodyStart] or null. */
export function findHeadEnd(buf: Buffer, from = 0): [number, number] | null {
  const crlf = buf.indexOf("\r\n\r\n", from, "latin1");
  const lf = buf.indexOf("\n\n", from, "latin1");
  if (crlf >= 0 && (lf < 0 || crlf <= lf)) return [crlf, crlf + 4];
  if (lf >= 0) return [lf, lf + 2];
  return null;
}

/** Parses one UDP datagram holding one message. */
export function parseDatagram(buf: Buffer): ParseResult<SipMessage> {
  if (buf.length > LIMITS.maxMessageBytes) return { ok: false, error: "datagram too large" };
  const end = findHeadEnd(buf);
  if (!end) return { ok: false, error: "no end of head" };
  const head = parseHead(buf.subarray(0, end[0]).toString("utf8"));
  if (!head.ok) return head;
  const length = contentLength(head.value);
  if (!length.ok) return length;
  const rest = buf.subarray(end[1]);
  if (length.value !== undefined && length.value > rest.length) return { ok: false, error: "truncated body" };
  // Bytes past Content-Length are ignored (RFC 3261 18.3); without it, the datagram's rest is the body.
  const body = Buffer.from(length.value === undefined ? rest : rest.subarray(0, length.value));
  return { ok: true, value: { ...head.value, body } as SipMessage };
}
