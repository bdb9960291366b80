import { formatParams, parseParams, splitTopLevel, unquote } from "./syntax.js";

/** A parsed sip:, sips: or tel: URI. IPv6 hosts keep their brackets. */
export interface SipUri {
  scheme: "sip" | "sips" | "tel";
  user?: string;
  host: string;
  port?: number;
  params: Record<string, string | null>;
  headers: string;
}

/** A From/To/Contact/Route value: optional display name, URI, header parameters (tag, expires...). */
export interface NameAddr {
  displayName?: string;
  uri: string;
  params: Record<string, string | null>;
}

/** The caller or callee as the call layer sees it. */
export interface SipAddress {
  displayName?: string;
  user?: string;
  host: string;
  port?: number;
  uri: string;
}

const HOST = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(?::(\d{1,5}))?$/;

/** Parses a SIP URI; null when it is not one we understand. */
export function parseUri(text: string): SipUri | null {
  const m = /^(sips?|tel):(.+)$/i.exec(text.trim());
  if (!m?.[1] || !m[2]) return null;
  const scheme = m[1].toLowerCase() as SipUri["scheme"];
  let rest = m[2];
  let headers = "";
  const q = rest.indexOf("?");
  if (q >= 0 && q > rest.lastIndexOf("@")) {
    headers = rest.slice(q + 1);
    rest = rest.slice(0, q);
  }
  if (scheme === "tel") {
    const [number = "", ...params] = rest.split(";");
    return { scheme, user: decode(number), host: "", params: parseParams(params.join(";")), headers };
  }
  // The user part may itself contain ';' (user-unreserved), so split at '@' first.
  const at = rest.lastIndexOf("@");
  const userinfo = at >= 0 ? rest.slice(0, at) : undefined;
  const hostAndParams = at >= 0 ? rest.slice(at + 1) : rest;
  const semi = hostAndParams.indexOf(";");
  const hostport = semi >= 0 ? hostAndParams.slice(0, semi) : hostAndParams;
  const hm = HOST.exec(hostport);
  if (!hm?.[1]) return null;
  const port = hm[2] === undefined ? undefined : Number(hm[2]);
  if (port !== undefined && (port < 1 || port > 65535)) return null;
  const user = userinfo === undefined ? undefined : decode(userinfo.split(":")[0] ?? "");
  const uri: SipUri = {
    scheme,
    host: hm[1].toLowerCase(),
    params: semi >= 0 ? parseParams(hostAndParams.slice(semi + 1)) : {},
    headers,
  };
  if (user) uri.user = user;
  if (port !== undefined) uri.port = port;
  return uri;
}

/** Formats a URI (the user part is percent-encoded where needed; passwords are never written). */
export function formatUri(uri: SipUri): string {
  if (uri.scheme === "tel") return `tel:${uri.user ?? ""}${formatParams(uri.params)}`;
  const user = uri.user ? `${encodeUser(uri.user)}@` : "";
  const port = uri.port ? `:${uri.port}` : "";
  return `${uri.scheme}:${user}${uri.host}${port}${formatParams(uri.params)}${uri.headers ? `?${uri.headers}` : ""}`;
}

/** Host without IPv6 brackets, for sockets and DNS. */
export function bareHost(host: string): string {
  return host.startsWith("[") && host.endsWith("]") ? host.slice(1, -1) : host;
}

/** Host as written in a URI or Via (IPv6 in brackets). */
export function uriHost(address: string): string {
  return address.includes(":") && !address.startsWith("[") ? `[${address}]` : address;
}

/** Parses a name-addr or addr-spec header value; null when there is no usable URI. */
export function parseNameAddr(value: string): NameAddr | null {
  const text = value.trim();
  const lt = indexOutsideQuotes(text, "<");
  if (lt >= 0) {
    const gt = text.indexOf(">", lt);
    if (gt < 0) return null;
    const display = unquote(text.slice(0, lt).trim());
    const rest = text.slice(gt + 1).trim();
    const addr: NameAddr = {
      uri: text.slice(lt + 1, gt).trim(),
      params: rest.startsWith(";") ? parseParams(rest.slice(1)) : {},
    };
    if (display) addr.displayName = display;
    return addr.uri ? addr : null;
  }
  // addr-spec form: every ';param' belongs to the header, not the URI (RFC 3261 20.10).
  const [uri, ...params] = splitTopLevel(text, ";");
  if (!uri || uri.includes(" ")) return null;
  return { uri, params: parseParams(params.join(";")) };
}

/** Formats a name-addr, always in angle brackets (safe for URIs with parameters). */
export function formatNameAddr(addr: NameAddr): string {
  const display = addr.displayName ? `"${addr.displayName.replace(/["\\\r\n]/g, "")}" ` : "";
  return `${display}<${addr.uri}>${formatParams(addr.params)}`;
}

/** The public view of a From/To header. */
export function toSipAddress(addr: NameAddr): SipAddress {
  const uri = parseUri(addr.uri);
  const out: SipAddress = { uri: addr.uri, host: uri?.host ?? "" };
  if (addr.displayName) out.displayName = addr.displayName;
  if (uri?.user) out.user = uri.user;
  if (uri?.port) out.port = uri.port;
  return out;
}

function indexOutsideQuotes(text: string, ch: string): number {
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted && c === "\\") i++;
    else if (c === '"') quoted = !quoted;
    else if (!quoted && c === ch) return i;
  }
  return -1;
}

function decode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function encodeUser(user: string): string {
  return user.replace(/[^A-Za-z0-9\-_.!~*'()&=+$,;?/]/g, (c) => encodeURIComponent(c));
}
