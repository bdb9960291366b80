import { negotiate, unnegotiatedMedia } from "../sdp.js";
import type { AccessPolicy } from "../security/access.js";
import { refusalFor } from "../capacity.js";
import type { CapacityHook, InboundCall, SipPortEvents } from "../types.js";
import { toSipAddress } from "../uri.js";
import { ALLOW } from "./builders.js";
import type { UaContext } from "./context.js";
import type { Essentials } from "./headers.js";
import { EmbeddedInboundCall } from "./inbound-call.js";
import { bodyText, getHeader, getHeaders, type SipRequest } from "./message.js";
import type { ServerTransaction } from "./transactions/server.js";
import type { Endpoint } from "./transport.js";

/** Methods we know but do not accept outside a dialog (405); anything else unknown gets 501. */
const KNOWN = new Set(["REGISTER", "SUBSCRIBE", "PUBLISH", "MESSAGE", "NOTIFY", "INFO", "UPDATE", "PRACK", "REFER"]);

export interface UasDeps {
  ctx: UaContext;
  access: AccessPolicy;
  capacity: () => CapacityHook;
  handler: () => ((call: InboundCall) => void | Promise<void>) | null;
  emit: <K extends keyof SipPortEvents>(event: K, payload: SipPortEvents[K]) => void;
  /** Whether to log this refusal: null when a recent line covered it, else how many were not logged since. */
  refusedLog: (source: Endpoint) => number | null;
}

/**
 * Requests outside any dialog: access control first (allow list or digest,
 * else 403 with a log line carrying source and method only), then OPTIONS,
 * INVITE admission (SDP, codecs, capacity) and polite refusals for the rest.
 */
export function handleOutOfDialog(deps: UasDeps, request: SipRequest, ess: Essentials, tx: ServerTransaction): void {
  const { ctx } = deps;
  const source = tx.source;
  const decision = deps.access.decide(
    source.address,
    getHeaders(request, "authorization"),
    request.method,
    request.uri,
  );
  if (decision.kind === "deny") {
    const suppressed = deps.refusedLog(source);
    if (suppressed !== null) {
      ctx.logger.warn(
        {
          src: source.address,
          port: source.port,
          transport: source.transport,
          method: request.method,
          why: decision.why,
          suppressed,
        },
        "sip request refused",
      );
    }
    deps.emit("sip:refused", { source: { ...source }, method: request.method });
    return ctx.respond(tx, 403, "Forbidden");
  }
  if (decision.kind === "challenge") {
    return ctx.respond(tx, 401, "Unauthorized", {
      headers: deps.access.challenges(decision.stale).map((c) => ["WWW-Authenticate", c] as [string, string]),
    });
  }
  switch (request.method) {
    case "INVITE":
      void admitInvite(deps, request, ess, tx, decision.username);
      return;
    case "OPTIONS": {
      // 503 when the call layer says it is unavailable, so a balancer (Kamailio dispatcher) skips this node.
      const refused = refusalFor(deps.capacity()("OPTIONS"));
      if (refused?.status === 503)
        return ctx.respond(tx, 503, refused.reason, { headers: [["Retry-After", String(refused.retryAfterS)]] });
      return ctx.respond(tx, 200, "OK", {
        headers: [
          ["Allow", ALLOW],
          ["Accept", "application/sdp"],
          ["Accept-Language", "en"],
        ],
      });
    }
    case "BYE":
      return ctx.respond(tx, 481, "Call/Transaction Does Not Exist");
    default:
      if (KNOWN.has(request.method)) return ctx.respond(tx, 405, "Method Not Allowed", { headers: [["Allow", ALLOW]] });
      return ctx.respond(tx, 501, "Not Implemented", { headers: [["Allow", ALLOW]] });
  }
}

async function admitInvite(
  deps: UasDeps,
  request: SipRequest,
  ess: Essentials,
  tx: ServerTransaction,
  user: string | undefined,
): Promise<void> {
  const { ctx } = deps;
  ctx.respond(tx, 100, "Trying");
  const required = getHeaders(request, "require");
  if (required.length > 0)
    return ctx.respond(tx, 420, "Bad Extension", { headers: [["Unsupported", required.join(", ")]] });
  const sdp = bodyText(request);
  const type = getHeader(request, "content-type") ?? "";
  if (sdp.trim() && !/^application\/sdp\b/i.test(type))
    return ctx.respond(tx, 415, "Unsupported Media Type", { headers: [["Accept", "application/sdp"]] });
  // A delayed offer (no SDP, as Cisco CUBE/CUCM send): our 200 will carry the offer and the ACK the answer.
  const delayed = !sdp.trim();
  const media = delayed ? unnegotiatedMedia() : negotiate(sdp, ctx.caps);
  if (!media)
    return ctx.respond(tx, 488, "Not Acceptable Here", {
      headers: [["Warning", '305 parley "no common codec (PCMU, PCMA)"']],
    });
  const refused = refusalFor(deps.capacity()("INVITE"));
  if (refused)
    return ctx.respond(
      tx,
      refused.status,
      refused.reason,
      refused.retryAfterS ? { headers: [["Retry-After", String(refused.retryAfterS)]] } : {},
    );
  if (ctx.unacked.full(tx.source.address))
    return ctx.respond(tx, 503, "Service Unavailable", { headers: [["Retry-After", "5"]] });
  const handler = deps.handler();
  if (!handler) return ctx.respond(tx, 480, "Temporarily Unavailable");
  const call = new EmbeddedInboundCall(
    ctx,
    tx,
    {
      callId: ess.callId,
      from: toSipAddress(ess.from),
      to: toSipAddress(ess.to),
      remote: tx.source,
      media,
      remoteSdp: delayed ? "" : sdp,
    },
    user,
  );
  ctx.addDialog(call.key, call);
  try {
    await handler(call);
  } catch (err) {
    ctx.logger.error({ callId: ess.callId, err: (err as Error).message }, "invite handler failed");
    if (tx.pending) await call.reject(500, "Server Internal Error");
    else void call.hangup();
  }
}
