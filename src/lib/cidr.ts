import { isIP } from "node:net";

/**
 * IPv4 and IPv6 CIDR matching for allow lists (SIP callers, SMTP senders). IPv4-mapped IPv6
 * addresses (::ffff:10.0.0.1, what a dual-stack socket reports) match IPv4
 * ranges, so one allow list works whatever the listen address.
 */

export interface Cidr {
  family: 4 | 6;
  bits: bigint;
  prefix: number;
  text: string;
}

/** Parses "10.0.0.0/8", "2001:db8::/32" or a bare address (a /32 or /128); null if invalid. */
export function parseCidr(text: string): Cidr | null {
  const [addr = "", len, extra] = text.trim().split("/");
  if (extra !== undefined) return null;
  const ip = toBits(addr);
  if (!ip) return null;
  const max = ip.family === 4 ? 32 : 128;
  const prefix = len === undefined ? max : /^\d{1,3}$/.test(len) ? Number(len) : NaN;
  if (!(prefix >= 0 && prefix <= max)) return null;
  return { family: ip.family, bits: ip.bits & mask(prefix, max), prefix, text: text.trim() };
}

/** True when `address` falls in `cidr`. */
export function cidrContains(cidr: Cidr, address: string): boolean {
  const ip = toBits(address);
  if (!ip || ip.family !== cidr.family) return false;
  const max = ip.family === 4 ? 32 : 128;
  return (ip.bits & mask(cidr.prefix, max)) === cidr.bits;
}

/** True when `address` falls in any of `list`. */
export function anyCidrContains(list: readonly Cidr[], address: string): boolean {
  return list.some((c) => cidrContains(c, address));
}

function mask(prefix: number, max: number): bigint {
  if (prefix === 0) return 0n;
  const all = (1n << BigInt(max)) - 1n;
  return (all >> BigInt(max - prefix)) << BigInt(max - prefix);
}

function toBits(address: string): { family: 4 | 6; bits: bigint } | null {
  const plain = address.replace(/^\[|\]$/g, "").replace(/%.*$/, "");
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(plain);
  if (mapped?.[1]) return toBits(mapped[1]);
  const family = isIP(plain);
  if (family === 4) {
    return { family: 4, bits: plain.split(".").reduce((acc, octet) => (acc << 8n) | BigInt(Number(octet)), 0n) };
  }
  if (family === 6) return { family: 6, bits: ipv6Bits(plain) };
  return null;
}

function ipv6Bits(address: string): bigint {
  let text = address;
  // A trailing dotted quad (::ffff:1.2.3.4 is handled above; 64:ff9b::1.2.3.4 here) becomes two hextets.
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted?.[1]) {
    const o = dotted[1].split(".").map(Number);
    text =
      text.slice(0, -dotted[1].length) +
      `${(((o[0] ?? 0) << 8) | (o[1] ?? 0)).toString(16)}:${(((o[2] ?? 0) << 8) | (o[3] ?? 0)).toString(16)}`;
  }
  const [head = "", tail] = text.split("::");
  const h = head ? head.split(":") : [];
  const t = tail ? tail.split(":") : [];
  const groups = tail === undefined ? h : [...h, ...Array<string>(8 - h.length - t.length).fill("0"), ...t];
  return groups.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g || "0", 16)), 0n);
}
