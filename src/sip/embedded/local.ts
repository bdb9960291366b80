import { networkInterfaces } from "node:os";
import { uriHost } from "../uri.js";
import type { TransportName } from "./transport.js";

/**
 * How we name ourselves in Via and Contact: the public address when behind
 * NAT, else the listen address, else (listening on 0.0.0.0 or ::) the first
 * non-internal interface address.
 */
export class LocalIdentity {
  readonly host: string;

  constructor(
    listenHost: string,
    readonly port: number,
    publicHost?: string,
    readonly user = "parley",
  ) {
    this.host = uriHost(publicHost ?? concreteHost(listenHost));
  }

  /** A top Via value with rport (RFC 3581) so responses come back through NAT. */
  via(transport: TransportName, branch: string): string {
    return `SIP/2.0/${transport.toUpperCase()} ${this.host}:${this.port};branch=${branch};rport`;
  }

  /** Our Contact URI (transport=tcp on TCP dialogs, so the peer reaches us the same way). */
  contactUri(transport: TransportName): string {
    return `sip:${this.user}@${this.host}:${this.port}${transport === "tcp" ? ";transport=tcp" : ""}`;
  }

  /** The Contact header value. */
  contact(transport: TransportName): string {
    return `<${this.contactUri(transport)}>`;
  }
}

function concreteHost(host: string): string {
  if (host !== "0.0.0.0" && host !== "::") return host;
  for (const list of Object.values(networkInterfaces())) {
    for (const addr of list ?? []) {
      if (!addr.internal && addr.family === "IPv4") return addr.address;
    }
  }
  return "127.0.0.1";
}
