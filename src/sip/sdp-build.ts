import { randomInt } from "node:crypto";
import { isIPv6 } from "node:net";
import { parse, write, type MediaDescription, type SessionDescription } from "sdp-transform";
import type { G711Codec, MediaDirection, NegotiatedMedia, SdpCapabilities } from "./sdp-types.js";

/** Our side of the media: where our RTP socket listens (the public address behind NAT). */
export interface LocalMedia {
  address: string;
  port: number;
  /** o= session id; keep it for the life of the call so re-answers are recognisably the same session. */
  sessionId?: string;
  /** o= version; bump it on every new answer of the same session. */
  version?: number;
}

const STATIC_PT: Record<G711Codec, number> = { PCMU: 0, PCMA: 8 };

/** Builds our SDP answer for a negotiated offer. */
export function buildAnswer(
  media: NegotiatedMedia,
  local: LocalMedia,
  direction: MediaDirection = media.answerDirection,
): string {
  const payloads = [media.codec.payloadType];
  const rtp: MediaDescription["rtp"] = [{ payload: media.codec.payloadType, codec: media.codec.name, rate: 8000 }];
  const fmtp: MediaDescription["fmtp"] = [];
  if (media.telephoneEvent) {
    payloads.push(media.telephoneEvent.payloadType);
    rtp.push({ payload: media.telephoneEvent.payloadType, codec: "telephone-event", rate: 8000 });
    fmtp.push({ payload: media.telephoneEvent.payloadType, config: media.telephoneEvent.events });
  }
  // RFC 3264 6: the answer has as many m= lines as the offer; the ones we do not take get port 0.
  const lines: MediaDescription[] = media.lines.map((line, i) =>
    i === media.mediaIndex
      ? {
          type: "audio",
          port: local.port,
          protocol: "RTP/AVP",
          payloads: payloads.join(" "),
          rtp,
          fmtp,
          ptime: media.ptime,
          direction,
        }
      : { type: line.type, port: 0, protocol: line.protocol, payloads: line.payloads || "0", rtp: [], fmtp: [] },
  );
  return write(session(local, lines));
}

/** Builds our SDP offer (UAC): PCMU and PCMA in our order of preference, plus telephone-event. */
export function buildOffer(
  local: LocalMedia,
  caps: SdpCapabilities,
  options: { ptime?: number; telephoneEventPt?: number } = {},
): string {
  const payloads: number[] = caps.codecs.map((c) => STATIC_PT[c]);
  const rtp: MediaDescription["rtp"] = caps.codecs.map((c) => ({ payload: STATIC_PT[c], codec: c, rate: 8000 }));
  const fmtp: MediaDescription["fmtp"] = [];
  if (caps.telephoneEvent) {
    const pt = options.telephoneEventPt ?? 101;
    payloads.push(pt);
    rtp.push({ payload: pt, codec: "telephone-event", rate: 8000 });
    fmtp.push({ payload: pt, config: "0-16" });
  }
  const line: MediaDescription = {
    type: "audio",
    port: local.port,
    protocol: "RTP/AVP",
    payloads: payloads.join(" "),
    rtp,
    fmtp,
    ptime: options.ptime ?? 20,
    direction: "sendrecv",
  };
  return write(session(local, [line]));
}

/**
 * A new answer for a re-INVITE when the call layer gave none: our previous
 * local SDP (same address, port, session id; version + 1) mirroring the new
 * offer's direction. Null if the previous SDP cannot be read.
 */
export function reanswer(previousLocalSdp: string, media: NegotiatedMedia): string | null {
  let prev: SessionDescription;
  try {
    prev = parse(previousLocalSdp);
  } catch {
    return null;
  }
  const audio = prev.media?.find((m) => m.type === "audio" && m.port > 0);
  const address = audio?.connection?.ip ?? prev.connection?.ip;
  if (!audio || !address) return null;
  return buildAnswer(media, {
    address,
    port: audio.port,
    sessionId: String(prev.origin?.sessionId ?? ""),
    version: Number(prev.origin?.sessionVersion ?? 0) + 1,
  });
}

function session(local: LocalMedia, media: MediaDescription[]): SessionDescription {
  const ipVer = isIPv6(local.address) ? 6 : 4;
  return {
    version: 0,
    origin: {
      username: "parley",
      sessionId: local.sessionId || String(randomInt(1, 2 ** 47)),
      sessionVersion: local.version ?? 1,
      netType: "IN",
      ipVer,
      address: local.address,
    },
    name: "parley",
    connection: { version: ipVer, ip: local.address },
    timing: { start: 0, stop: 0 },
    media,
  };
}
