import { randomBytes } from "node:crypto";
import type { SipHeader, SipRequest, SipResponse } from "./message.js";
import { getHeader, getHeaders } from "./message.js";

/** RFC 3261 magic cookie: branches starting with it are unique per transaction. */
export const MAGIC_COOKIE = "z9hG4bK";

export const ALLOW = "INVITE, ACK, CANCEL, BYE, OPTIONS, INFO, REFER, NOTIFY";

/** A random token for tags, branches and Call-IDs (no host names: they would leak our topology). */
export function randomToken(bytes = 8): string {
  return randomBytes(bytes).toString("hex");
}

export function newBranch(): string {
  return MAGIC_COOKIE + randomToken(10);
}

/** Options for a response beyond the copied Via/From/To/Call-ID/CSeq. */
export interface ResponseOptions {
  toTag?: string;
  headers?: [string, string][];
  body?: Buffer | string;
  contentType?: string;
}

/**
 * Builds a response to `request` (RFC 3261 8.2.6): Via, From, Call-ID and
 * CSeq copied; To copied with our tag added if it had none; Record-Route
 * copied on dialog-creating responses to INVITE (12.1.1).
 */
export function makeResponse(
  request: SipRequest,
  status: number,
  reason: string,
  options: ResponseOptions = {},
): SipResponse {
  const headers: SipHeader[] = [];
  for (const via of getHeaders(request, "via")) headers.push({ name: "via", value: via });
  headers.push({ name: "from", value: getHeader(request, "from") ?? "" });
  let to = getHeader(request, "to") ?? "";
  if (options.toTag && status > 100 && !/;\s*tag\s*=/i.test(to)) to = `${to};tag=${options.toTag}`;
  headers.push({ name: "to", value: to });
  headers.push({ name: "call-id", value: getHeader(request, "call-id") ?? "" });
  headers.push({ name: "cseq", value: getHeader(request, "cseq") ?? "" });
  if (request.method === "INVITE" && status > 100 && status < 300) {
    for (const rr of getHeaders(request, "record-route")) headers.push({ name: "record-route", value: rr });
  }
  for (const [name, value] of options.headers ?? []) headers.push({ name: name.toLowerCase(), value });
  const body = typeof options.body === "string" ? Buffer.from(options.body, "utf8") : (options.body ?? Buffer.alloc(0));
  if (body.length > 0) headers.push({ name: "content-type", value: options.contentType ?? "application/sdp" });
  return { kind: "response", status, reason, headers, body };
}

/** Everything a new request needs; the caller chooses the branch and CSeq. */
export interface RequestSpec {
  method: string;
  uri: string;
  via: string;
  from: string;
  to: string;
  callId: string;
  cseq: number;
  routes?: readonly string[];
  contact?: string;
  headers?: readonly [string, string][];
  body?: Buffer | string;
  contentType?: string;
}

/** Builds a request (RFC 3261 8.1.1) with Max-Forwards 70. */
export function makeRequest(spec: RequestSpec): SipRequest {
  const headers: SipHeader[] = [
    { name: "via", value: spec.via },
    { name: "max-forwards", value: "70" },
    { name: "from", value: spec.from },
    { name: "to", value: spec.to },
    { name: "call-id", value: spec.callId },
    { name: "cseq", value: `${spec.cseq} ${spec.method}` },
  ];
  for (const route of spec.routes ?? []) headers.push({ name: "route", value: route });
  if (spec.contact) headers.push({ name: "contact", value: spec.contact });
  for (const [name, value] of spec.headers ?? []) headers.push({ name: name.toLowerCase(), value });
  const body = typeof spec.body === "string" ? Buffer.from(spec.body, "utf8") : (spec.body ?? Buffer.alloc(0));
  if (body.length > 0) headers.push({ name: "content-type", value: spec.contentType ?? "application/sdp" });
  return { kind: "request", method: spec.method, uri: spec.uri, headers, body };
}
