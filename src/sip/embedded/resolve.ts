import { lookup } from "node:dns/promises";
import { isIP } from "node:net";
import { SipError } from "../errors.js";
import { bareHost, parseUri } from "../uri.js";
import type { Endpoint, TransportName } from "./transport.js";

/**
 * Turns a SIP URI into an address to send to: an IP literal as is, a name by
 * an A/AAAA lookup (no NAPTR/SRV: trunks are configured with host and port).
 * `transport=tcp|udp` in the URI wins over the default.
 */
export async function resolveUri(
  text: string,
  defaultTransport: TransportName,
  enabled: readonly TransportName[],
): Promise<Endpoint> {
  const uri = parseUri(text);
  if (!uri || uri.scheme === "tel" || !uri.host)
    throw new SipError(416, "Unsupported URI Scheme", { details: { uri: text } });
  const param = (uri.params.transport ?? "").toLowerCase();
  const wanted: TransportName = param === "tcp" || param === "udp" ? param : defaultTransport;
  const transport = enabled.includes(wanted) ? wanted : (enabled[0] ?? "udp");
  const host = bareHost(uri.host);
  let address = host;
  if (!isIP(host)) {
    try {
      address = (await lookup(host)).address;
    } catch (err) {
      throw new SipError(503, "DNS lookup failed", { cause: err, details: { host } });
    }
  }
  return { transport, address, port: uri.port ?? 5060 };
}
