import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import { BlockList, isIP, type LookupFunction } from "node:net";
import { ParleyError } from "../errors.js";

/**
 * Where Parley's own outbound HTTP (webhooks, agents' HTTP tools) may go. A
 * URL is someone's input (an API key holder's, an agent author's), so it must
 * not turn the server into a proxy to itself or to the cloud's metadata
 * service, nor into a port scanner through the delivery log. Checked twice:
 * when the URL is saved (scheme, literal addresses) and on every request, on
 * the addresses DNS returns at connect time (so a name that re-resolves to
 * 127.0.0.1 later, DNS rebinding, is refused too).
 */

/** Always refused unless listed: the box itself, link-local (169.254.169.254 is the cloud metadata service), and addresses nobody should dial. */
const ALWAYS: ReadonlyArray<[string, number, "ipv4" | "ipv6", string]> = [
  ["0.0.0.0", 8, "ipv4", "an unspecified address"],
  ["127.0.0.0", 8, "ipv4", "a loopback address"],
  ["169.254.0.0", 16, "ipv4", "a link-local address (cloud metadata lives there)"],
  ["192.0.0.0", 24, "ipv4", "an IETF protocol address"],
  ["224.0.0.0", 4, "ipv4", "a multicast address"],
  ["240.0.0.0", 4, "ipv4", "a reserved address"],
  ["::", 128, "ipv6", "an unspecified address"],
  ["::1", 128, "ipv6", "a loopback address"],
  ["fe80::", 10, "ipv6", "a link-local address"],
  ["fd00:ec2::254", 128, "ipv6", "the cloud metadata address"],
  ["ff00::", 8, "ipv6", "a multicast address"],
];

/** Private-use ranges: where a company's own systems live; refused only when `allowPrivateNetworks` is off. */
const PRIVATE: ReadonlyArray<[string, number, "ipv4" | "ipv6"]> = [
  ["10.0.0.0", 8, "ipv4"],
  ["172.16.0.0", 12, "ipv4"],
  ["192.168.0.0", 16, "ipv4"],
  ["100.64.0.0", 10, "ipv4"],
  ["fc00::", 7, "ipv6"],
];

export interface OutboundPolicyOptions {
  /** Host names (exact, any case) or addresses / CIDR ranges that are allowed whatever they are. */
  allowHosts: readonly string[];
  /** Whether private-use networks (10/8, 172.16/12, 192.168/16, 100.64/10, fc00::/7) may be called. */
  allowPrivateNetworks: boolean;
  /** The config key an operator edits to allow a host, named in every refusal. */
  setting: string;
}

/** A URL or address this policy refuses; the message says why and which setting allows it. */
export class DestinationRefusedError extends ParleyError {
  constructor(message: string) {
    super("destination_refused", message, { status: 400 });
    this.name = "DestinationRefusedError";
  }
}

export class OutboundPolicy {
  private readonly names = new Set<string>();
  private readonly allowed = new BlockList();
  private readonly always: Array<{ list: BlockList; reason: string }> = [];
  private readonly private = new BlockList();

  constructor(private readonly o: OutboundPolicyOptions) {
    for (const entry of o.allowHosts) {
      const [addr = "", len] = entry
        .trim()
        .toLowerCase()
        .replace(/^\[|\]$/g, "")
        .split("/");
      const family = isIP(addr);
      if (family === 0) this.names.add(addr.replace(/\.$/, ""));
      else
        this.allowed.addSubnet(
          addr,
          len === undefined ? (family === 4 ? 32 : 128) : Number(len),
          family === 4 ? "ipv4" : "ipv6",
        );
    }
    for (const [net, prefix, type, reason] of ALWAYS) {
      const list = new BlockList();
      list.addSubnet(net, prefix, type);
      this.always.push({ list, reason });
    }
    for (const [net, prefix, type] of PRIVATE) this.private.addSubnet(net, prefix, type);
  }

  /**
   * Why `url` may not be called, or null: only http and https, no
   * credentials in it, and a literal address (2130706433, 0x7f.1, [::1],
   * [::ffff:127.0.0.1] all are 127.0.0.1) must pass `refusal`.
   */
  urlRefusal(url: string): string | null {
    let u: URL;
    try {
      u = new URL(url);
    } catch {
      return "is not an absolute URL";
    }
    if (u.protocol !== "http:" && u.protocol !== "https:")
      return `uses ${u.protocol.replace(/:$/, "")}: only http and https are allowed`;
    const host = hostOf(u);
    if (this.names.has(host)) return null;
    if (host === "localhost" || host.endsWith(".localhost"))
      return `names ${host}, the server itself; list it in ${this.o.setting} to allow it`;
    return isIP(host) ? this.addressRefusal(host) : null;
  }

  /** Why the server may not connect to `address` (an IP), or null. */
  addressRefusal(address: string): string | null {
    const family = isIP(address);
    if (family === 0) return `${address} is not an IP address`;
    const type = family === 4 ? "ipv4" : "ipv6";
    if (this.allowed.check(address, type)) return null;
    const v4 = embeddedIpv4(address);
    if (v4 && this.allowed.check(v4, "ipv4")) return null;
    for (const { list, reason } of this.always) {
      if (list.check(address, type) || (v4 !== null && list.check(v4, "ipv4")))
        return `${address} is ${reason}; list it in ${this.o.setting} to allow it`;
    }
    if (
      !this.o.allowPrivateNetworks &&
      (this.private.check(address, type) || (v4 !== null && this.private.check(v4, "ipv4")))
    ) {
      return `${address} is in a private network and private networks are not allowed; list it in ${this.o.setting} to allow it`;
    }
    return null;
  }

  /** Throws DestinationRefusedError when `url` may not be called. */
  assertUrl(url: string): void {
    const why = this.urlRefusal(url);
    if (why) throw new DestinationRefusedError(`${redactUrl(url)} ${why}`);
  }

  /**
   * A `lookup` for node:http that resolves as usual and then refuses the
   * connection when any resolved address is refused (a name pointing at
   * both a public address and 127.0.0.1 is not a name to trust). Listed host
   * names skip the check.
   */
  lookupFor(hostname: string): LookupFunction {
    const trusted = this.names.has(hostname.toLowerCase().replace(/\.$/, ""));
    return (name, options, callback) => {
      dnsLookup(name, { ...options, all: true }, (err, addresses: LookupAddress[]) => {
        if (err) return callback(err, "", 0);
        const refused = trusted ? null : addresses.map((a) => this.addressRefusal(a.address)).find((r) => r !== null);
        if (refused) return callback(new DestinationRefusedError(`${name} resolves to ${refused}`), "", 0);
        const first = addresses[0];
        if (!first) return callback(Object.assign(new Error(`${name}: no addresses`), { code: "ENOTFOUND" }), "", 0);
        if ((options as { all?: boolean }).all)
          (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
        else callback(null, first.address, first.family);
      });
    };
  }
}

/** The host of a URL as the connection would use it: lower case, no brackets, no trailing dot. */
function hostOf(u: URL): string {
  return u.hostname
    .toLowerCase()
    .replace(/^\[|\]$/g, "")
    .replace(/\.$/, "");
}

/** The IPv4 address inside an IPv4-mapped (::ffff:a.b.c.d), NAT64 (64:ff9b::/96) or 6to4 (2002::/16) IPv6 address. */
function embeddedIpv4(address: string): string | null {
  if (isIP(address) !== 6) return null;
  const words = expandIpv6(address);
  if (!words) return null;
  const v4 = (hi: number, lo: number) => `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
  if (words.slice(0, 5).every((w) => w === 0) && words[5] === 0xffff) return v4(words[6]!, words[7]!);
  if (words[0] === 0x64 && words[1] === 0xff9b && words.slice(2, 6).every((w) => w === 0))
    return v4(words[6]!, words[7]!);
  if (words[0] === 0x2002) return v4(words[1]!, words[2]!);
  return null;
}

function expandIpv6(address: string): number[] | null {
  let text = address.replace(/%.*$/, "");
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted?.[1]) {
    const [a, b, c, d] = dotted[1].split(".").map(Number) as [number, number, number, number];
    text = text.slice(0, -dotted[1].length) + `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = "", tail] = text.split("::");
  const h = head ? head.split(":") : [];
  const t = tail ? tail.split(":") : [];
  const fill = tail === undefined ? 0 : 8 - h.length - t.length;
  const words = [...h, ...Array<string>(Math.max(0, fill)).fill("0"), ...t].map((w) => parseInt(w, 16));
  return words.length === 8 && words.every((w) => w >= 0 && w <= 0xffff) ? words : null;
}

/** A URL for a message: without its query (it may carry tokens). */
function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return JSON.stringify(url.slice(0, 80));
  }
}
