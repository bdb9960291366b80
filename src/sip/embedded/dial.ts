import { randomInt } from "node:crypto";
import { AbortError, ParleyError } from "../../lib/errors.js";
import { throwIfAborted } from "../../lib/abort.js";
import { SipError } from "../errors.js";
import { negotiate, unnegotiatedMedia } from "../sdp.js";
import { isToken, sanitizeHeaderValue } from "../syntax.js";
import type { DialOptions } from "../types.js";
import { formatNameAddr, parseUri, toSipAddress } from "../uri.js";
import { ALLOW, makeRequest, newBranch, randomToken } from "./builders.js";
import type { UaContext } from "./context.js";
import { Dialog } from "./dialog.js";
import { runInvite } from "./invite-client.js";
import { bodyText, getHeaders, type SipRequest } from "./message.js";
import { EmbeddedOutboundCall } from "./outbound-call.js";
import { resolveUri } from "./resolve.js";
import { authenticatorFor, type TrunkCredentials } from "./trunk-credentials.js";
import { readEssentials } from "./headers.js";
import type { Endpoint } from "./transport.js";

/** Headers a caller of dial() may not set: the UA owns them. */
const RESERVED = new Set([
  "via",
  "from",
  "to",
  "call-id",
  "cseq",
  "contact",
  "content-length",
  "content-type",
  "max-forwards",
  "route",
  "record-route",
  "authorization",
  "proxy-authorization",
  "allow",
  "user-agent",
]);

export interface DialDefaults {
  from: string;
  /** Credentials used when the request goes to this host (the configured trunk), for its realm only when `realm` is set. */
  trunk?: TrunkCredentials;
}

/** Places a call: INVITE (with digest retry), ACK on 2xx, CANCEL on abort or timeout. */
export async function dial(
  ctx: UaContext,
  options: DialOptions,
  defaults: DialDefaults,
): Promise<EmbeddedOutboundCall> {
  throwIfAborted(options.signal);
  const requestUri = parseUri(options.uri);
  if (!requestUri || requestUri.scheme === "tel")
    throw new ParleyError("invalid_argument", "dial needs a sip: URI", { status: 400 });
  const extra = extraHeaders(options.headers);
  const target = await resolveUri(options.proxy ?? options.uri, "udp", ctx.transports);
  // The trunk's credentials only go to the trunk: a challenge from anyone else gets nothing.
  const auth = await authenticatorFor(ctx, target, defaults.trunk, options.auth);
  const callId = randomToken(12);
  const from = formatNameAddr({
    uri: options.from ?? defaults.from,
    params: { tag: randomToken() },
    ...(options.fromDisplayName ? { displayName: options.fromDisplayName } : {}),
  });
  const to = `<${options.uri}>`;
  const routes = options.proxy ? [`<${options.proxy.replace(/[<>]/g, "")};lr>`] : [];
  let seq = randomInt(1, 2 ** 30);
  let call: EmbeddedOutboundCall | null = null;
  for (let attempt = 0; ; attempt++) {
    const invite = makeRequest({
      method: "INVITE",
      uri: options.uri,
      via: ctx.local.via(target.transport, newBranch()),
      from,
      to,
      callId,
      cseq: seq,
      routes,
      contact: ctx.local.contact(target.transport),
      headers: [...extra, ["Allow", ALLOW], ["User-Agent", ctx.userAgent], ...auth.headers("INVITE", options.uri)],
      body: options.sdp,
    });
    const { final, cancelledBy } = await runInvite(ctx, invite, target, {
      timeoutMs: options.timeoutMs ?? 60_000,
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
      onExtra2xx: (response, ess) => (call ? call.handleExtra2xx(response, ess) : undefined),
    });
    if ((final.status === 401 || final.status === 407) && attempt < 2 && !cancelledBy && auth.learn(final)) {
      seq += 1;
      continue;
    }
    if (final.status >= 300) {
      if (cancelledBy === "abort") throw new AbortError(options.signal?.reason);
      if (cancelledBy === "timeout") throw new SipError(408, "No Answer");
      throw new SipError(final.status, final.reason);
    }
    const ess = readEssentials(final);
    if (!ess) throw new SipError(502, "Bad Gateway", { details: { why: "malformed 2xx" } });
    const dialog = Dialog.forUac(invite, seq, final, ess, target.transport);
    const ack = await sendAck(ctx, dialog, invite, seq, target);
    const answerSdp = bodyText(final);
    const media = negotiate(answerSdp, ctx.caps);
    call = new EmbeddedOutboundCall(
      ctx,
      {
        callId,
        from: toSipAddress(ess.from),
        to: toSipAddress(ess.to),
        remote: target,
        media: media ?? unnegotiatedMedia(),
        remoteSdp: answerSdp,
      },
      dialog,
      options.sdp,
      { ...ack, invite, seq },
      auth,
    );
    ctx.addDialog(dialog.key, call);
    if (cancelledBy || !media) {
      // The answer raced our CANCEL, or it has no codec we offered: take the call down again.
      await call.hangup();
      if (cancelledBy === "abort") throw new AbortError(options.signal?.reason);
      throw cancelledBy ? new SipError(408, "No Answer") : new SipError(488, "Not Acceptable Here");
    }
    return call;
  }
}

/** ACK for a 2xx (RFC 3261 13.2.2.4): a new transaction-less request in the dialog, same CSeq number, same credentials. */
async function sendAck(ctx: UaContext, dialog: Dialog, invite: SipRequest, seq: number, inviteTarget: Endpoint) {
  const { request, hop } = dialog.build("ACK", ctx.local, newBranch(), { seq });
  for (const name of ["authorization", "proxy-authorization"]) {
    for (const value of getHeaders(invite, name)) request.headers.push({ name, value });
  }
  const target =
    dialog.routeSet.length === 0 && dialog.transport === "tcp" && ctx.transport.hasConnection(inviteTarget)
      ? inviteTarget
      : await resolveUri(hop, dialog.transport, ctx.transports);
  await ctx.transport
    .send(request, target)
    .catch((err: Error) => ctx.logger.warn({ err: err.message }, "ACK not sent"));
  return { request, target };
}

/** Validated extra headers of a request we originate; names in RESERVED (plus `reserved`) are refused. */
export function extraHeaders(
  headers: Record<string, string> | undefined,
  reserved: ReadonlySet<string> = new Set(),
): [string, string][] {
  const out: [string, string][] = [];
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (!isToken(name) || RESERVED.has(name.toLowerCase()) || reserved.has(name.toLowerCase())) {
      throw new ParleyError(
        "invalid_argument",
        `header ${JSON.stringify(name)} cannot be set on a request Parley originates`,
        { status: 400 },
      );
    }
    out.push([name, sanitizeHeaderValue(value)]);
  }
  return out;
}
