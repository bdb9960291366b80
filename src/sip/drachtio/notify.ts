import type { Logger } from "../../lib/logger.js";
import { ParleyError } from "../../lib/errors.js";
import { SipError } from "../errors.js";
import { isToken, sanitizeHeaderValue } from "../syntax.js";
import type { NotifyOptions, NotifyResult } from "../types.js";
import { formatNameAddr, parseUri } from "../uri.js";
import { requestFinal } from "./request.js";
import type { SrfClient } from "./srf-types.js";
import { trunkAuth, type TrunkCredentials } from "./trunk-auth.js";

/** Headers a caller may not set: drachtio-server or the options own them. */
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
  "event",
  "subscription-state",
  "authorization",
  "proxy-authorization",
]);

export interface NotifyDefaults {
  /** Our From when the options give none. */
  from: string;
  trunk?: TrunkCredentials;
  logger: Logger;
}

/**
 * An out-of-dialog NOTIFY through drachtio-server, which owns the transaction
 * (retransmissions, Timer F, a 408 on timeout). drachtio-srf answers a digest
 * challenge with `auth`; the trunk's credentials go only to the trunk, as on dial().
 */
export async function sendNotify(
  srf: SrfClient,
  options: NotifyOptions,
  defaults: NotifyDefaults,
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
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(options.headers ?? {})) {
    if (!isToken(name) || RESERVED.has(name.toLowerCase())) {
      throw new ParleyError(
        "invalid_argument",
        `header ${JSON.stringify(name)} cannot be set on a request Parley originates`,
        { status: 400 },
      );
    }
    headers[name] = sanitizeHeaderValue(value);
  }
  const auth = options.auth ?? (defaults.trunk ? trunkAuth(defaults.trunk, defaults.logger) : undefined);
  const res = await requestFinal(srf, options.uri, {
    method: "NOTIFY",
    headers: {
      ...headers,
      From: formatNameAddr({ uri: options.from ?? defaults.from, params: {} }),
      To: `<${options.to ?? options.uri}>`,
      Event: options.event,
      "Subscription-State": sanitizeHeaderValue(options.subscriptionState ?? "terminated"),
      "Content-Type": sanitizeHeaderValue(options.contentType),
    },
    body: options.body,
    ...(auth ? { auth } : {}),
    ...(options.proxy ? { proxy: options.proxy } : {}),
  });
  if (res.status >= 300)
    throw new SipError(res.status, res.reason, { details: { method: "NOTIFY", event: options.event } });
  return { status: res.status, reason: res.reason };
}
