import type { Clock } from "../lib/clock.js";
import { ConfigError } from "../lib/errors.js";
import type { Logger } from "../lib/logger.js";
import type { Registry } from "../lib/metrics.js";
import type { SipConfig } from "../config/sections/sip.js";
import type { SdpCapabilities } from "./sdp.js";
import { parseCidr, type Cidr } from "./security/cidr.js";
import type { SipPort } from "./types.js";
import { parseUri } from "./uri.js";
import { reportTrunkRegistration } from "./trunk-registration.js";

export * from "./types.js";
export { SipError, CallEnded, type CallEndReason } from "./errors.js";
export {
  negotiate,
  buildAnswer,
  buildOffer,
  reanswer,
  mirror,
  unnegotiatedMedia,
  DEFAULT_CAPABILITIES,
} from "./sdp.js";
export type { NegotiatedMedia, LocalMedia, SdpCapabilities, G711Codec, MediaDirection } from "./sdp.js";
export type { SipAddress } from "./uri.js";
export { parseNameAddr, parseUri, toSipAddress } from "./uri.js";
export { TRUNK_REGISTERED } from "./trunk-registration.js";
export {
  forwardedUser,
  type ForwardedUser,
  type ForwardedUserInput,
  type ForwardSource,
} from "./forwarding/forwarded-user.js";
export { parseDiversion, type DiversionEntry } from "./forwarding/diversion.js";
export { parseHistoryInfo, type HistoryEntry } from "./forwarding/history-info.js";
export { sendMessageWaiting, type MessageWaitingOptions } from "./mwi/send.js";
export {
  formatMessageSummary,
  parseMessageSummary,
  MESSAGE_SUMMARY_EVENT,
  MESSAGE_SUMMARY_TYPE,
  type MessageSummary,
  type MessageCounts,
} from "./mwi/message-summary.js";

export interface SipDeps {
  logger: Logger;
  clock?: Clock;
  caps?: SdpCapabilities;
  /** SIP metrics (unacknowledged dialogs, TCP connections, suppressed log lines) go here when given. */
  registry?: Registry;
}

/**
 * Creates the configured SipPort, listening (embedded) or connected (drachtio).
 * With `trunk.register` a registration is started and kept alive; a failure
 * is logged and retried, it does not stop the server.
 * @example const sip = await createSipPort(config.sip, { logger }); sip.onInvite(async (call) => ...)
 */
export async function createSipPort(config: SipConfig, deps: SipDeps): Promise<SipPort> {
  const allow = config.allow.map((c) => parseCidr(c)).filter((c): c is Cidr => c !== null);
  const trunk = config.trunk ? parseUri(config.trunk.uri) : null;
  if (config.trunk && !trunk) throw new ConfigError(`sip.trunk.uri is not a SIP URI: ${config.trunk.uri}`);
  const trunkCreds =
    config.trunk?.username && config.trunk.password
      ? { username: config.trunk.username, password: config.trunk.password }
      : undefined;
  const trunkAor = trunkAccount(config);
  const trunkRealm = config.trunk?.realm ? { realm: config.trunk.realm } : {};
  // Never longer than RFC 3261's 64*T1 (a configured short T1 shortens it too).
  const ackTimeoutMs = Math.min(config.timers.ackTimeoutMs, 64 * config.timers.t1Ms);
  const common = {
    allow,
    credentials: config.credentials,
    realm: config.realm,
    nonceTtlMs: config.nonceTtlS * 1000,
    logger: deps.logger,
    maxUnacknowledgedPerSource: config.maxUnacknowledgedPerSource,
    ackTimeoutMs,
    ...(deps.caps ? { caps: deps.caps } : {}),
    ...(deps.registry ? { registry: deps.registry } : {}),
  };
  let port: SipPort;
  if (config.driver === "drachtio") {
    const secret = config.drachtio.secret;
    if (!secret) throw new ConfigError("sip.drachtio.secret is required with driver drachtio");
    const { DrachtioSipPort } = await import("./drachtio/driver.js");
    port = await DrachtioSipPort.start({
      ...common,
      host: config.drachtio.host,
      port: config.drachtio.port,
      secret,
      connectTimeoutMs: config.drachtio.connectTimeoutMs,
      ...(trunkAor ? { defaultFrom: trunkAor } : {}),
      ...(trunk && trunkCreds
        ? { trunk: { host: trunk.host, port: trunk.port ?? 5060, ...trunkRealm, ...trunkCreds } }
        : {}),
    });
  } else {
    const { EmbeddedSipPort } = await import("./embedded/ua.js");
    port = await EmbeddedSipPort.start({
      ...common,
      host: config.listen.host,
      port: config.listen.port,
      transports: config.transports,
      userAgent: config.userAgent,
      timers: { t1: config.timers.t1Ms, t2: config.timers.t2Ms, t4: config.timers.t4Ms, ackTimeout: ackTimeoutMs },
      rateLimit: config.rateLimit,
      tcp: config.tcp,
      ...(config.publicAddress ? { publicHost: config.publicAddress } : {}),
      ...(deps.clock ? { clock: deps.clock } : {}),
      dialDefaults: {
        ...(trunkAor ? { from: trunkAor } : {}),
        ...(trunk && trunkCreds
          ? { trunk: { host: trunk.host, port: trunk.port ?? 5060, ...trunkRealm, ...trunkCreds } }
          : {}),
      },
    });
  }
  if (config.trunk?.register && trunkCreds && trunkAor) {
    const options = { registrar: config.trunk.uri, aor: trunkAor, expiresS: config.trunk.expiresS, ...trunkCreds };
    if (deps.registry) reportTrunkRegistration(port, trunkAor, deps.registry);
    keepRegistering(port, options, deps.logger);
  }
  return port;
}

/** The trunk account as a SIP URI (sip:<trunk.username>@<trunk host>): our AOR at the trunk and the default From of outbound calls. */
export function trunkAccount(config: SipConfig): string | undefined {
  const trunk = config.trunk ? parseUri(config.trunk.uri) : null;
  return trunk && config.trunk?.username ? `sip:${config.trunk.username}@${trunk.host}` : undefined;
}

/** First registration in the background, retried every 30 s until it succeeds (refreshes take over then). */
function keepRegistering(port: SipPort, options: Parameters<SipPort["register"]>[0], logger: Logger): void {
  port.register(options).catch((err: Error) => {
    logger.error({ aor: options.aor, err: err.message }, "sip registration failed; retrying in 30 s");
    setTimeout(() => keepRegistering(port, options, logger), 30_000).unref();
  });
}
