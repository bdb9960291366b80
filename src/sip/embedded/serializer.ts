import { sanitizeHeaderValue } from "../syntax.js";
import type { SipMessage } from "./message.js";

/** How we write header names (the parser lower-cases them; peers like canonical case). */
const PRETTY: Readonly<Record<string, string>> = {
  "call-id": "Call-ID",
  cseq: "CSeq",
  "www-authenticate": "WWW-Authenticate",
  "www-authorization": "WWW-Authorization",
  "mime-version": "MIME-Version",
  rack: "RAck",
  rseq: "RSeq",
  "sip-etag": "SIP-ETag",
  "sip-if-match": "SIP-If-Match",
};

/** Canonical spelling of a lower-case header name. */
export function prettyName(name: string): string {
  return PRETTY[name] ?? name.replace(/(^|-)([a-z])/g, (_m, dash: string, c: string) => dash + c.toUpperCase());
}

/**
 * Writes a message. Content-Length is always recomputed from the body bytes,
 * and every header value goes through sanitizeHeaderValue so no CR/LF we echo
 * from a peer (or take from config) can inject a header.
 */
export function serialize(msg: SipMessage): Buffer {
  const start =
    msg.kind === "request"
      ? `${msg.method} ${sanitizeHeaderValue(msg.uri).replace(/\s+/g, "")} SIP/2.0`
      : `SIP/2.0 ${msg.status} ${sanitizeHeaderValue(msg.reason)}`;
  const lines = [start];
  for (const h of msg.headers) {
    if (h.name === "content-length") continue;
    lines.push(`${prettyName(h.name)}: ${sanitizeHeaderValue(h.value)}`);
  }
  lines.push(`Content-Length: ${msg.body.length}`, "", "");
  return Buffer.concat([Buffer.from(lines.join("\r\n"), "utf8"), msg.body]);
}
