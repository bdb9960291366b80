import { isIPv6 } from "node:net";
import { parse, type MediaDescription, type SessionDescription } from "sdp-transform";

/**
 * SDP offer/answer for G.711 telephony (RFC 3264): pick the codec the offerer
 * prefers among ours, the telephone-event payload type, the remote RTP address
 * and port, ptime and direction. Media itself is src/rtp's business.
 */

import {
  DEFAULT_CAPABILITIES,
  type G711Codec,
  type MediaDirection,
  type NegotiatedMedia,
  type OfferedLine,
  type SdpCapabilities,
} from "./sdp-types.js";

export * from "./sdp-types.js";

const STATIC_PT: Record<number, G711Codec> = { 0: "PCMU", 8: "PCMA" };
const DIRECTIONS: readonly MediaDirection[] = ["sendrecv", "sendonly", "recvonly", "inactive"];

/** Negotiates an offer (or reads an answer) against our capabilities; null when nothing usable is in common. */
export function negotiate(sdp: string, caps: SdpCapabilities = DEFAULT_CAPABILITIES): NegotiatedMedia | null {
  let session: SessionDescription;
  try {
    session = parse(sdp);
  } catch {
    return null;
  }
  if (!Array.isArray(session.media)) return null;
  const lines = session.media.map((m) => ({
    type: String(m.type),
    protocol: String(m.protocol),
    payloads: String(m.payloads ?? ""),
  }));
  for (const [index, media] of session.media.entries()) {
    if (media.type !== "audio" || !(media.port > 0) || media.protocol !== "RTP/AVP") continue;
    const codec = pickCodec(media, caps);
    if (!codec) continue;
    const address = media.connection?.ip ?? session.connection?.ip;
    if (!address) return null;
    const direction = heldByAddress(directionOf(media, session), address);
    return {
      codec,
      telephoneEvent: caps.telephoneEvent ? pickTelephoneEvent(media) : null,
      remote: { address, port: media.port, ipVersion: isIPv6(address) ? 6 : 4 },
      ptime: ptimeOf(media),
      direction,
      answerDirection: mirror(direction),
      hold: direction === "sendonly" || direction === "inactive",
      mediaIndex: index,
      lines,
    };
  }
  return null;
}

/**
 * Media not negotiated yet: an INVITE without SDP (delayed offer) before its
 * ACK brings the answer, or an answer we could not use. Sends nowhere.
 */
export function unnegotiatedMedia(): NegotiatedMedia {
  return {
    codec: { name: "PCMU", payloadType: 0, clockRate: 8000 },
    telephoneEvent: null,
    remote: { address: "0.0.0.0", port: 0, ipVersion: 4 },
    ptime: 20,
    direction: "inactive",
    answerDirection: "inactive",
    hold: true,
    mediaIndex: 0,
    lines: [],
  };
}

/** The answerer's direction for an offered one (RFC 3264 section 6.1). */
export function mirror(direction: MediaDirection): MediaDirection {
  if (direction === "sendonly") return "recvonly";
  if (direction === "recvonly") return "sendonly";
  return direction;
}

function payloadTypes(media: MediaDescription): number[] {
  return String(media.payloads ?? "")
    .trim()
    .split(/\s+/)
    .filter((p) => /^\d{1,3}$/.test(p))
    .map(Number);
}

function pickCodec(media: MediaDescription, caps: SdpCapabilities): NegotiatedMedia["codec"] | null {
  for (const pt of payloadTypes(media)) {
    const map = media.rtp?.find((r) => r.payload === pt);
    let name: string | undefined;
    if (map) name = (map.rate ?? 8000) === 8000 ? map.codec.toUpperCase() : undefined;
    else name = STATIC_PT[pt];
    if (name === "PCMU" || name === "PCMA") {
      if (caps.codecs.includes(name)) return { name, payloadType: pt, clockRate: 8000 };
    }
  }
  return null;
}

function pickTelephoneEvent(media: MediaDescription): NegotiatedMedia["telephoneEvent"] {
  const offered = new Set(payloadTypes(media));
  const map = media.rtp?.find(
    (r) => offered.has(r.payload) && r.codec.toLowerCase() === "telephone-event" && (r.rate ?? 8000) === 8000,
  );
  if (!map) return null;
  const fmtp = media.fmtp?.find((f) => f.payload === map.payload)?.config.trim();
  return { payloadType: map.payload, events: fmtp && /^[\d,\- ]+$/.test(fmtp) ? fmtp.replace(/\s+/g, "") : "0-15" };
}

function directionOf(media: MediaDescription, session: SessionDescription): MediaDirection {
  const value = media.direction ?? (session as { direction?: string }).direction;
  return DIRECTIONS.includes(value as MediaDirection) ? (value as MediaDirection) : "sendrecv";
}

/**
 * RFC 2543 hold (RFC 3264 8.4): c=0.0.0.0 means "send me nothing" whatever the
 * a= line says, so a sendrecv offer is a sendonly one (we answer recvonly and
 * stop sending) and a recvonly one is inactive.
 */
function heldByAddress(direction: MediaDirection, address: string): MediaDirection {
  if (address !== "0.0.0.0" && address !== "::") return direction;
  if (direction === "sendrecv") return "sendonly";
  if (direction === "recvonly") return "inactive";
  return direction;
}

/** ptime in ms; G.711 telephony uses 10..60 in steps of 10, anything else falls back to 20. */
function ptimeOf(media: MediaDescription): number {
  const p = Number(media.ptime);
  return Number.isInteger(p) && p >= 10 && p <= 60 && p % 10 === 0 ? p : 20;
}

export { buildAnswer, buildOffer, reanswer, type LocalMedia } from "./sdp-build.js";
