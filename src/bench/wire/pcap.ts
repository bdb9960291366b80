/**
 * Reads UDP datagrams out of a classic pcap file (what `tcpdump -w` and
 * SIPp write): microsecond or nanosecond timestamps, either byte order,
 * Ethernet, Linux cooked (v1, v2), raw IP or BSD loopback link types, IPv4
 * and IPv6. Capture time on loopback is the sender's departure time to a few
 * microseconds, which is what the RTP timing analysis needs.
 */
import { readFileSync } from "node:fs";
import { ParleyError } from "../../lib/errors.js";

export interface UdpDatagram {
  /** Capture time, ms since the epoch (fractional). */
  atMs: number;
  srcAddress: string;
  srcPort: number;
  dstAddress: string;
  dstPort: number;
  payload: Buffer;
}

const MAGIC_US = 0xa1b2c3d4;
const MAGIC_NS = 0xa1b23c4d;

/** Bytes before the IP header, by link type (Ethernet, raw IP, Linux cooked v1/v2, BSD loopback, raw IPv4/IPv6). */
const LINK_HEADER: Record<number, number> = { 1: 14, 101: 0, 113: 16, 276: 20, 0: 4, 108: 4, 228: 0, 229: 0 };

/** Every UDP datagram in the capture, in capture order. */
export function readPcapUdp(file: string): UdpDatagram[] {
  return parsePcapUdp(readFileSync(file));
}

export function parsePcapUdp(buf: Buffer): UdpDatagram[] {
  if (buf.length < 24) throw new ParleyError("pcap_invalid", `not a pcap file (${buf.length} bytes)`, { status: 400 });
  const magicLe = buf.readUInt32LE(0);
  const magicBe = buf.readUInt32BE(0);
  const le = magicLe === MAGIC_US || magicLe === MAGIC_NS;
  if (!le && magicBe !== MAGIC_US && magicBe !== MAGIC_NS) {
    throw new ParleyError("pcap_invalid", "not a classic pcap file (pcapng is not read here: write with tcpdump -w)", {
      status: 400,
    });
  }
  const nanos = (le ? magicLe : magicBe) === MAGIC_NS;
  const u32 = (o: number) => (le ? buf.readUInt32LE(o) : buf.readUInt32BE(o));
  const link = u32(20) & 0x0fffffff;
  const l2 = LINK_HEADER[link];
  if (l2 === undefined)
    throw new ParleyError("pcap_invalid", `pcap link type ${link} is not supported`, { status: 400 });
  const out: UdpDatagram[] = [];
  for (let off = 24; off + 16 <= buf.length;) {
    const sec = u32(off);
    const frac = u32(off + 4);
    const incl = u32(off + 8);
    const frame = buf.subarray(off + 16, Math.min(buf.length, off + 16 + incl));
    off += 16 + incl;
    const atMs = sec * 1000 + (nanos ? frac / 1e6 : frac / 1e3);
    const d = udpOf(frame.subarray(l2), atMs);
    if (d) out.push(d);
  }
  return out;
}

function udpOf(ip: Buffer, atMs: number): UdpDatagram | null {
  if (ip.length < 20) return null;
  const version = ip[0]! >> 4;
  let proto: number;
  let header: number;
  let src: string;
  let dst: string;
  if (version === 4) {
    header = (ip[0]! & 0x0f) * 4;
    proto = ip[9]!;
    if ((ip.readUInt16BE(6) & 0x1fff) !== 0) return null; // a later fragment: no UDP header in it
    src = `${ip[12]}.${ip[13]}.${ip[14]}.${ip[15]}`;
    dst = `${ip[16]}.${ip[17]}.${ip[18]}.${ip[19]}`;
  } else if (version === 6) {
    if (ip.length < 40) return null;
    header = 40;
    proto = ip[6]!; // extension headers are not followed: RTP over UDP does not use them
    src = ipv6(ip.subarray(8, 24));
    dst = ipv6(ip.subarray(24, 40));
  } else {
    return null;
  }
  if (proto !== 17 || ip.length < header + 8) return null;
  const udp = ip.subarray(header);
  const length = Math.min(udp.readUInt16BE(4), udp.length);
  return {
    atMs,
    srcAddress: src,
    srcPort: udp.readUInt16BE(0),
    dstAddress: dst,
    dstPort: udp.readUInt16BE(2),
    payload: udp.subarray(8, Math.max(8, length)),
  };
}

function ipv6(b: Buffer): string {
  const parts: string[] = [];
  for (let i = 0; i < 16; i += 2) parts.push(b.readUInt16BE(i).toString(16));
  return parts.join(":");
}
