import type { LogThrottle } from "../../lib/log-throttle.js";
import type { Logger } from "../../lib/logger.js";
import { negotiate, unnegotiatedMedia, type SdpCapabilities } from "../sdp.js";
import type { AccessPolicy } from "../security/access.js";
import { refusalFor } from "../capacity.js";
import type { UnacknowledgedDialogs } from "../security/unacked.js";
import type { CapacityHook, RemoteEndpoint } from "../types.js";
import { parseNameAddr, toSipAddress } from "../uri.js";
import type { DrachtioCallInit } from "./call.js";
import type { SrfRequest, SrfResponse } from "./srf-types.js";

export interface AdmitDeps {
  access: AccessPolicy;
  caps: SdpCapabilities;
  capacity: CapacityHook;
  hasHandler: boolean;
  unacked: UnacknowledgedDialogs;
  logger: Logger;
  throttle: LogThrottle;
  onRefused: (source: RemoteEndpoint) => void;
}

/**
 * The drachtio side of INVITE admission, same rules as the embedded UA:
 * allow list or digest (403 / 401), SDP with a common codec (488), capacity
 * (486 / 503), a handler (480). Returns what the call needs, or null once a
 * final response has been sent.
 */
export function admit(
  req: SrfRequest,
  res: SrfResponse,
  deps: AdmitDeps,
): { init: DrachtioCallInit; user: string | undefined } | null {
  const source: RemoteEndpoint = {
    address: req.source_address,
    port: Number(req.source_port),
    transport: String(req.protocol).toLowerCase().startsWith("tcp") ? "tcp" : "udp",
  };
  const authorizations = req.get("authorization") ? [req.get("authorization") ?? ""] : [];
  const decision = deps.access.decide(source.address, authorizations, "INVITE", req.uri);
  if (decision.kind === "deny") {
    const suppressed = deps.throttle.take("sip_request_refused", source.address);
    if (suppressed !== null)
      deps.logger.warn(
        { src: source.address, port: source.port, method: "INVITE", why: decision.why, suppressed },
        "sip request refused",
      );
    deps.onRefused(source);
    res.send(403, "Forbidden");
    return null;
  }
  if (decision.kind === "challenge") {
    // drachtio joins repeated headers with commas, which WWW-Authenticate cannot take: offer one
    // challenge, MD5, because many PBXs and trunks still lack SHA-256 digest.
    const md5 = deps.access.challenges(decision.stale).find((c) => c.includes("algorithm=MD5")) ?? "";
    res.send(401, "Unauthorized", { headers: { "WWW-Authenticate": md5 } });
    return null;
  }
  const sdp = req.body ?? "";
  // A delayed offer (no SDP): our 200 carries the offer, the ACK the answer.
  const delayed = !sdp.trim();
  const media = delayed ? unnegotiatedMedia() : negotiate(sdp, deps.caps);
  if (!media) {
    res.send(488, "Not Acceptable Here");
    return null;
  }
  const refused = refusalFor(deps.capacity("INVITE"));
  if (refused || deps.unacked.full(source.address)) {
    const retryAfterS = refused?.retryAfterS ?? 5;
    if (refused?.status === 486) res.send(486, refused.reason);
    else res.send(503, "Service Unavailable", { headers: { "Retry-After": String(retryAfterS) } });
    return null;
  }
  if (!deps.hasHandler) {
    res.send(480, "Temporarily Unavailable");
    return null;
  }
  const from = parseNameAddr(req.get("from") ?? "") ?? { uri: "", params: {} };
  const to = parseNameAddr(req.get("to") ?? "") ?? { uri: "", params: {} };
  return {
    init: {
      callId: req.get("call-id") ?? req.callId,
      from: toSipAddress(from),
      to: toSipAddress(to),
      remote: source,
      media,
      remoteSdp: delayed ? "" : sdp,
    },
    user: decision.username,
  };
}
