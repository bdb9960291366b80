import { randomInt } from "node:crypto";
import { ParleyError } from "../../lib/errors.js";
import { SipError } from "../errors.js";
import { isToken, sanitizeHeaderValue } from "../syntax.js";
import type { NotifyOptions, NotifyResult } from "../types.js";
import { formatNameAddr, parseUri } from "../uri.js";
import { makeRequest, randomToken } from "./builders.js";
import type { UaContext } from "./context.js";
import { extraHeaders, type DialDefaults } from "./dial.js";
import { requestWithAuth } from "./request.js";
import { resolveUri } from "./resolve.js";
import { authenticatorFor } from "./trunk-credentials.js";

/** Headers the NOTIFY's options own. */
const NOTIFY_RESERVED = new Set(["event", "subscription-state"]);

/**
 * An out-of-dialog NOTIFY in its own non-INVITE transaction (retransmitted
 * over UDP, Timer F = 64*T1), answering up to two digest challenges as dial()
 * does. No dialog is created: the peer's 2xx ends it.
 */
export async function sendNotify(
  ctx: UaContext,
  options: NotifyOptions,
  defaults: DialDefaults,
): Promise<NotifyResult> {
  const requestUri = parseUri(options.uri);
  if (!requestUri || requestUri.scheme === "tel")
    throw new ParleyError("invalid_argument", `notify needs a sip: URI, got ${JSON.stringify(options.uri)}`, {
      status: 400,
    });
  if (!isToken(options.event))
    throw new ParleyError("invalid_argument", `event ${JSON.stringify(options.event)} is not a SIP token`, {
      status: 400,
    });
  const extra = extraHeaders(options.headers, NOTIFY_RESERVED);
  const hop = options.proxy ?? options.uri;
  const target = await resolveUri(hop, "udp", ctx.transports);
  const auth = await authenticatorFor(ctx, target, defaults.trunk, options.auth);
  const callId = randomToken(12);
  const from = formatNameAddr({ uri: options.from ?? defaults.from, params: { tag: randomToken() } });
  const to = `<${options.to ?? options.uri}>`;
  const routes = options.proxy ? [`<${options.proxy.replace(/[<>]/g, "")};lr>`] : [];
  let seq = randomInt(1, 2 ** 30);
  const response = await requestWithAuth(
    ctx,
    (branch) => ({
      hop,
      request: makeRequest({
        method: "NOTIFY",
        uri: options.uri,
        via: ctx.local.via(target.transport, branch),
        from,
        to,
        callId,
        cseq: seq++,
        routes,
        contact: ctx.local.contact(target.transport),
        headers: [
          ["Event", options.event],
          ["Subscription-State", sanitizeHeaderValue(options.subscriptionState ?? "terminated")],
          ...extra,
          ["User-Agent", ctx.userAgent],
        ],
        body: options.body,
        contentType: sanitizeHeaderValue(options.contentType),
      }),
    }),
    target.transport,
    auth,
  );
  if (response.status >= 300)
    throw new SipError(response.status, response.reason, { details: { method: "NOTIFY", event: options.event } });
  return { status: response.status, reason: response.reason };
}
