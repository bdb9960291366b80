import { AbortError } from "../../lib/errors.js";
import { LogThrottle } from "../../lib/log-throttle.js";
import type { Logger } from "../../lib/logger.js";
import type { Registry } from "../../lib/metrics.js";
import { DigestVerifier, type SipCredential } from "../auth/digest-server.js";
import { NonceIssuer } from "../auth/nonce.js";
import { SipError } from "../errors.js";
import { TypedEmitter } from "../events.js";
import { DEFAULT_CAPABILITIES, negotiate, type SdpCapabilities } from "../sdp.js";
import { AccessPolicy } from "../security/access.js";
import type { Cidr } from "../security/cidr.js";
import { refusalFor } from "../capacity.js";
import { UnacknowledgedDialogs } from "../security/unacked.js";
import { sipMetrics } from "../metrics.js";
import type {
  CapacityHook,
  DialOptions,
  InboundCall,
  NotifyOptions,
  NotifyResult,
  OutboundCall,
  Registration,
  RegisterOptions,
  SipPort,
  SipPortEvents,
} from "../types.js";
import { formatNameAddr, parseNameAddr, toSipAddress } from "../uri.js";
import { CAPABILITY_HEADERS, DrachtioOutboundCall, type DrachtioDeps } from "./call.js";
import { DrachtioInboundCall } from "./inbound-call.js";
import { sendNotify } from "./notify.js";
import { DrachtioRegistration } from "./register.js";
import { connectSrf } from "./connect.js";
import { loadSrf, type SrfClient, type SrfRequest, type SrfResponse } from "./srf-types.js";
import { admit } from "./admit.js";
import { trunkAuth, type TrunkCredentials } from "./trunk-auth.js";

export interface DrachtioOptions {
  host: string;
  port: number;
  secret: string;
  allow: readonly Cidr[];
  credentials: readonly SipCredential[];
  realm: string;
  nonceTtlMs: number;
  caps?: SdpCapabilities;
  connectTimeoutMs?: number;
  defaultFrom?: string;
  /** The trunk: its credentials answer challenges from it (and only from it) on outbound calls. */
  trunk?: TrunkCredentials;
  /** Answered calls awaiting ACK per source before its INVITEs get 503 (default 10). */
  maxUnacknowledgedPerSource?: number;
  /** How long an answered call waits for its ACK (default 8 s). */
  ackTimeoutMs?: number;
  registry?: Registry;
  logger: Logger;
}

/**
 * SipPort over drachtio-srf: drachtio-server (C++, sofia-sip) does the SIP
 * stack; we connect to it as its application over TCP (host, port, secret).
 * Same access control, SDP negotiation and capacity hook as the embedded UA.
 */
export class DrachtioSipPort implements SipPort {
  readonly driver = "drachtio" as const;
  local: { host: string; port: number };
  private handler: ((call: InboundCall) => void | Promise<void>) | null = null;
  private capacity: CapacityHook = () => "available";
  private readonly events: TypedEmitter<SipPortEvents>;
  private readonly calls = new Set<DrachtioInboundCall | DrachtioOutboundCall>();
  private readonly registrations = new Set<DrachtioRegistration>();
  private readonly deps: DrachtioDeps;
  private readonly access: AccessPolicy;
  private readonly throttle: LogThrottle;

  private constructor(
    private readonly srf: SrfClient,
    private readonly options: DrachtioOptions,
  ) {
    this.local = { host: options.host, port: 5060 };
    const unacked = new UnacknowledgedDialogs(options.maxUnacknowledgedPerSource ?? 10);
    this.deps = {
      logger: options.logger,
      caps: options.caps ?? DEFAULT_CAPABILITIES,
      contactUri: `sip:parley@${options.host}`,
      unacked,
      ackTimeoutMs: options.ackTimeoutMs ?? 8000,
    };
    this.events = new TypedEmitter((event, err) =>
      options.logger.error({ event, err: String(err) }, "sip listener failed"),
    );
    const verifier = new DigestVerifier(
      options.realm,
      options.credentials,
      new NonceIssuer(options.nonceTtlMs, { now: () => Date.now() }),
    );
    this.access = new AccessPolicy(options.allow, verifier);
    this.throttle = new LogThrottle(options.registry ? { registry: options.registry } : {});
    // TCP connections are drachtio-server's; only the dialogs awaiting ACK are ours to report.
    if (options.registry)
      sipMetrics(options.registry, { unacknowledged: () => unacked.total, tcpConnections: () => 0 });
    srf.invite((req, res) => void this.onInviteRequest(req, res));
    srf.options((_req, res) => {
      const refused = refusalFor(this.capacity("OPTIONS"));
      if (refused?.status === 503)
        res.send(503, refused.reason, { headers: { "Retry-After": String(refused.retryAfterS) } });
      else res.send(200, "OK", { headers: { ...CAPABILITY_HEADERS, "Accept-Language": "en" } });
    });
  }

  /** Records drachtio-server's SIP address ("udp/10.0.0.5:5060,tcp/...") for Contact-like uses. */
  private setLocal(hostport: string): void {
    const sip = /(?:udp|tcp)\/\[?([^\]\s,]+?)\]?:(\d+)/.exec(hostport);
    this.local = { host: sip?.[1] ?? this.options.host, port: Number(sip?.[2] ?? 5060) };
    this.deps.contactUri = `sip:parley@${this.local.host}:${this.local.port}`;
  }

  /** Connects to drachtio-server; rejects (retryable) if it does not answer within the timeout. */
  static async start(options: DrachtioOptions): Promise<DrachtioSipPort> {
    const srf = await loadSrf();
    // Handlers go in before connecting, so drachtio-srf registers the routes on its first handshake.
    const port = new DrachtioSipPort(srf, options);
    port.setLocal(await connectSrf(srf, options));
    return port;
  }

  onInvite(handler: (call: InboundCall) => void | Promise<void>): void {
    this.handler = handler;
  }

  setCapacity(hook: CapacityHook): void {
    this.capacity = hook;
  }

  on<K extends keyof SipPortEvents>(event: K, listener: (payload: SipPortEvents[K]) => void): () => void {
    return this.events.on(event, listener);
  }

  async dial(options: DialOptions): Promise<OutboundCall> {
    if (options.signal?.aborted) throw new AbortError(options.signal.reason);
    let invite: SrfRequest | null = null;
    let cancelledBy: "abort" | "timeout" | null = null;
    const cancel = (by: "abort" | "timeout") => {
      cancelledBy ??= by;
      invite?.cancel(() => {});
    };
    const onAbort = () => cancel("abort");
    options.signal?.addEventListener("abort", onAbort, { once: true });
    const timer = setTimeout(() => cancel("timeout"), options.timeoutMs ?? 60_000);
    const from = options.from ?? this.options.defaultFrom;
    const auth = options.auth ?? (this.options.trunk ? trunkAuth(this.options.trunk, this.options.logger) : undefined);
    const fromHeader = from
      ? formatNameAddr({
          uri: from,
          params: {},
          ...(options.fromDisplayName ? { displayName: options.fromDisplayName } : {}),
        })
      : null;
    try {
      const dialog = await this.srf.createUAC(
        options.uri,
        {
          localSdp: options.sdp,
          headers: {
            ...(options.headers ?? {}),
            ...(fromHeader ? { From: fromHeader } : {}),
            Allow: CAPABILITY_HEADERS.Allow,
          },
          ...(auth ? { auth } : {}),
          ...(options.proxy ? { proxy: options.proxy } : {}),
        },
        {
          cbRequest: (_err, req) => {
            invite = req;
            if (cancelledBy) req.cancel(() => {});
          },
          cbProvisional: (res) => options.onProgress?.(res.status, res.reason),
        },
      );
      const media = negotiate(dialog.remote.sdp, this.deps.caps);
      if (!media) {
        await dialog.destroy().catch(() => {});
        throw new SipError(488, "Not Acceptable Here");
      }
      const call = new DrachtioOutboundCall(
        this.deps,
        {
          callId: dialog.sip.callId,
          from: toSipAddress(parseNameAddr(`<${from ?? this.deps.contactUri}>`) ?? { uri: "", params: {} }),
          to: toSipAddress(parseNameAddr(`<${options.uri}>`) ?? { uri: options.uri, params: {} }),
          // drachtio-server owns the wire; the peer's address is not exposed for UAC dialogs.
          remote: { address: "", port: 0, transport: "udp" },
          media,
          remoteSdp: dialog.remote.sdp,
        },
        dialog,
        options.sdp,
      );
      this.track(call);
      return call;
    } catch (err) {
      if (err instanceof SipError) throw err;
      if (cancelledBy === "abort") throw new AbortError(options.signal?.reason);
      if (cancelledBy === "timeout") throw new SipError(408, "No Answer");
      const status = (err as { status?: unknown }).status;
      if (typeof status === "number")
        throw new SipError(status, String((err as { reason?: unknown }).reason ?? ""), { cause: err });
      throw err;
    } finally {
      clearTimeout(timer);
      options.signal?.removeEventListener("abort", onAbort);
    }
  }

  notify(options: NotifyOptions): Promise<NotifyResult> {
    return sendNotify(this.srf, options, {
      from: this.options.defaultFrom ?? this.deps.contactUri,
      logger: this.options.logger,
      ...(this.options.trunk ? { trunk: this.options.trunk } : {}),
    });
  }

  async register(options: RegisterOptions): Promise<Registration> {
    const registration = new DrachtioRegistration(
      this.srf,
      options,
      () => this.local,
      (e, p) => this.events.emit(e, p),
      this.options.logger,
    );
    await registration.start();
    this.registrations.add(registration);
    return registration;
  }

  async close(): Promise<void> {
    await Promise.race([
      Promise.all([...[...this.calls].map((c) => c.hangup()), ...[...this.registrations].map((r) => r.stop())]),
      new Promise((r) => setTimeout(r, 2000)),
    ]);
    this.srf.disconnect();
    this.events.clear();
  }

  private async onInviteRequest(req: SrfRequest, res: SrfResponse): Promise<void> {
    const admitted = admit(req, res, {
      access: this.access,
      caps: this.deps.caps,
      capacity: this.capacity,
      hasHandler: this.handler !== null,
      unacked: this.deps.unacked,
      logger: this.options.logger,
      throttle: this.throttle,
      onRefused: (source) => this.events.emit("sip:refused", { source, method: "INVITE" }),
    });
    if (!admitted || !this.handler) return;
    const call = new DrachtioInboundCall(this.deps, this.srf, req, res, admitted.init, admitted.user);
    this.track(call);
    try {
      await this.handler(call);
    } catch (err) {
      this.options.logger.error({ callId: call.callId, err: (err as Error).message }, "invite handler failed");
      if (!res.finalResponseSent) await call.reject(500, "Server Internal Error");
      else void call.hangup();
    }
  }

  private track(call: DrachtioInboundCall | DrachtioOutboundCall): void {
    this.calls.add(call);
    call.signal.addEventListener("abort", () => this.calls.delete(call), { once: true });
  }
}
