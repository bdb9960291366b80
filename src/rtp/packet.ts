/**
 * RTP packets (RFC 3550 section 5.1): parse and serialise.
 *
 * The receive path parses every datagram of every call, so `parseRtpInto`
 * fills a caller-owned `RtpHeader` and reports the payload as an offset and a
 * length into the datagram: no object, view or exception per packet. A bad
 * datagram is answered with a reason code, never a throw, so a hostile or
 * broken peer cannot take the socket handler down. `parseRtp` and
 * `serializeRtp` allocate; they are for tests, tools and cold paths.
 */

export const RTP_VERSION = 2;
export const RTP_HEADER_BYTES = 12;

/** Why a datagram was rejected as RTP. */
export type RtpRejectReason =
  | "too_short" // under the 12-byte fixed header
  | "bad_version" // version field is not 2 (STUN, SIP or random bytes land here)
  | "truncated_csrc" // CSRC count points past the end
  | "truncated_extension" // header extension runs past the end
  | "bad_padding" // padding count of 0, or larger than what follows the header
  | "rtcp"; // an RTCP packet (PT 72-76 with the marker bit, RFC 5761) on the RTP port

export const RTP_REJECT_REASONS: readonly RtpRejectReason[] = [
  "too_short",
  "bad_version",
  "truncated_csrc",
  "truncated_extension",
  "bad_padding",
  "rtcp",
];

/** Header fields of one packet; one instance is reused for every packet of a session. */
export class RtpHeader {
  marker = false;
  payloadType = 0;
  sequence = 0;
  timestamp = 0;
  ssrc = 0;
  csrcCount = 0;
  /** Profile of the header extension, or -1 when there is none. */
  extensionProfile = -1;
  /** Padding bytes stripped from the end (0 when the P bit is clear). */
  padding = 0;
  payloadOffset = 0;
  payloadLength = 0;
}

function u16(b: Uint8Array, at: number): number {
  return (b[at]! << 8) | b[at + 1]!;
}

function u32(b: Uint8Array, at: number): number {
  return ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0;
}

/** Parses `buf` into `out`; returns null when it is valid RTP, else why it is not. */
export function parseRtpInto(buf: Uint8Array, out: RtpHeader): RtpRejectReason | null {
  const len = buf.length;
  if (len < RTP_HEADER_BYTES) return "too_short";
  const b0 = buf[0]!;
  const b1 = buf[1]!;
  if (b0 >> 6 !== RTP_VERSION) return "bad_version";
  const pt = b1 & 0x7f;
  if ((b1 & 0x80) !== 0 && pt >= 72 && pt <= 76) return "rtcp";
  const cc = b0 & 0x0f;
  let offset = RTP_HEADER_BYTES + cc * 4;
  if (offset > len) return "truncated_csrc";
  let end = len;
  let padding = 0;
  if ((b0 & 0x20) !== 0) {
    padding = buf[len - 1]!;
    if (padding === 0 || padding > len - offset) return "bad_padding";
    end = len - padding;
  }
  let profile = -1;
  if ((b0 & 0x10) !== 0) {
    if (offset + 4 > end) return "truncated_extension";
    profile = u16(buf, offset);
    offset += 4 + u16(buf, offset + 2) * 4;
    if (offset > end) return "truncated_extension";
  }
  out.marker = (b1 & 0x80) !== 0;
  out.payloadType = pt;
  out.sequence = u16(buf, 2);
  out.timestamp = u32(buf, 4);
  out.ssrc = u32(buf, 8);
  out.csrcCount = cc;
  out.extensionProfile = profile;
  out.padding = padding;
  out.payloadOffset = offset;
  out.payloadLength = end - offset;
  return null;
}

/** Writes the 12-byte fixed header (no CSRC, extension or padding) at the start of `buf`; returns 12. */
export function writeRtpHeader(
  buf: Uint8Array,
  marker: boolean,
  payloadType: number,
  sequence: number,
  timestamp: number,
  ssrc: number,
): number {
  buf[0] = 0x80;
  buf[1] = (marker ? 0x80 : 0) | (payloadType & 0x7f);
  buf[2] = (sequence >> 8) & 0xff;
  buf[3] = sequence & 0xff;
  buf[4] = (timestamp >>> 24) & 0xff;
  buf[5] = (timestamp >>> 16) & 0xff;
  buf[6] = (timestamp >>> 8) & 0xff;
  buf[7] = timestamp & 0xff;
  buf[8] = (ssrc >>> 24) & 0xff;
  buf[9] = (ssrc >>> 16) & 0xff;
  buf[10] = (ssrc >>> 8) & 0xff;
  buf[11] = ssrc & 0xff;
  return RTP_HEADER_BYTES;
}

/** A whole packet as plain data (tests and cold paths). */
export interface RtpPacket {
  marker: boolean;
  payloadType: number;
  sequence: number;
  timestamp: number;
  ssrc: number;
  csrc: number[];
  /** Header extension; `data` must be a multiple of 4 bytes. */
  extension: { profile: number; data: Uint8Array } | null;
  /** Padding bytes to append (0-255; the last one holds the count). */
  padding: number;
  payload: Uint8Array;
}

/** Parses a datagram into a new object (allocates; use parseRtpInto on hot paths). */
export function parseRtp(buf: Uint8Array): { ok: true; packet: RtpPacket } | { ok: false; reason: RtpRejectReason } {
  const h = new RtpHeader();
  const reason = parseRtpInto(buf, h);
  if (reason !== null) return { ok: false, reason };
  const csrc: number[] = [];
  for (let i = 0; i < h.csrcCount; i++) csrc.push(u32(buf, RTP_HEADER_BYTES + i * 4));
  let extension: RtpPacket["extension"] = null;
  if (h.extensionProfile >= 0) {
    const at = RTP_HEADER_BYTES + h.csrcCount * 4;
    extension = { profile: h.extensionProfile, data: buf.slice(at + 4, h.payloadOffset) };
  }
  return {
    ok: true,
    packet: {
      marker: h.marker,
      payloadType: h.payloadType,
      sequence: h.sequence,
      timestamp: h.timestamp,
      ssrc: h.ssrc,
      csrc,
      extension,
      padding: h.padding,
      payload: buf.slice(h.payloadOffset, h.payloadOffset + h.payloadLength),
    },
  };
}

/** Serialises a packet into a new buffer. */
export function serializeRtp(
  p: Partial<RtpPacket> & Pick<RtpPacket, "payloadType" | "sequence" | "timestamp" | "ssrc" | "payload">,
): Uint8Array {
  const csrc = p.csrc ?? [];
  const ext = p.extension ?? null;
  const padding = p.padding ?? 0;
  if (csrc.length > 15) throw new RangeError("RTP allows at most 15 CSRCs");
  if (ext !== null && ext.data.length % 4 !== 0)
    throw new RangeError("RTP header extension must be a multiple of 4 bytes");
  if (padding < 0 || padding > 255) throw new RangeError("RTP padding must be 0-255 bytes");
  const extBytes = ext === null ? 0 : 4 + ext.data.length;
  const out = new Uint8Array(RTP_HEADER_BYTES + csrc.length * 4 + extBytes + p.payload.length + padding);
  writeRtpHeader(out, p.marker ?? false, p.payloadType, p.sequence, p.timestamp, p.ssrc);
  out[0] = 0x80 | (padding > 0 ? 0x20 : 0) | (ext !== null ? 0x10 : 0) | csrc.length;
  let at = RTP_HEADER_BYTES;
  for (const c of csrc) {
    out[at] = c >>> 24;
    out[at + 1] = (c >>> 16) & 0xff;
    out[at + 2] = (c >>> 8) & 0xff;
    out[at + 3] = c & 0xff;
    at += 4;
  }
  if (ext !== null) {
    out[at] = ext.profile >> 8;
    out[at + 1] = ext.profile & 0xff;
    const words = ext.data.length / 4;
    out[at + 2] = words >> 8;
    out[at + 3] = words & 0xff;
    out.set(ext.data, at + 4);
    at += extBytes;
  }
  out.set(p.payload, at);
  if (padding > 0) out[out.length - 1] = padding;
  return out;
}
