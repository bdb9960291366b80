import { systemClock, type Clock } from "../../lib/clock.js";
import { LogThrottle } from "../../lib/log-throttle.js";
import type { Logger } from "../../lib/logger.js";
import type { Registry } from "../../lib/metrics.js";
import { DigestVerifier, type SipCredential } from "../auth/digest-server.js";
import { NonceIssuer } from "../auth/nonce.js";
import { TypedEmitter } from "../events.js";
import { DEFAULT_CAPABILITIES, type SdpCapabilities } from "../sdp.js";
import { AccessPolicy } from "../security/access.js";
import type { Cidr } from "../security/cidr.js";
import { RateLimiter } from "../security/rate-limit.js";
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
import { makeResponse, type ResponseOptions } from "./builders.js";
import type { DialogHandler, UaContext } from "./context.js";
import { dial, type DialDefaults } from "./dial.js";
import { dialogKey } from "./dialog.js";
import { readEssentials, stampReceived, tagOf, type Essentials } from "./headers.js";
import { LocalIdentity } from "./local.js";
import type { SipMessage, SipRequest } from "./message.js";
import { sendNotify } from "./notify.js";
import { EmbeddedRegistration } from "./register.js";
import { DEFAULT_TIMERS, type SipTimers } from "./timers.js";
import { TransactionLayer } from "./transactions/layer.js";
import type { ServerTransaction } from "./transactions/server.js";
import { SipTransport, type Endpoint, type TransportName } from "./transport.js";
import type { TcpLimits } from "./tcp.js";
import { handleOutOfDialog } from "./uas.js";

export interface EmbeddedOptions {
  host: string;
  port: number;
  transports: readonly TransportName[];
  /** Address (host or IP) for Via/Contact behind NAT. */
  publicHost?: string;
  allow: readonly Cidr[];
  credentials: readonly SipCredential[];
  realm: string;
  nonceTtlMs: number;
  rateLimit: { perSecond: number; burst: number };
  timers?: SipTimers;
  tcp?: Partial<TcpLimits>;
  /** Answered calls awaiting ACK per source before its INVITEs get 503 (default 10). */
  maxUnacknowledgedPerSource?: number;
  /** Where SIP metrics go (unacknowledged dialogs, TCP connections and refusals, suppressed log lines). */
  registry?: Registry;
  userAgent: string;
  caps?: SdpCapabilities;
  dialDefaults?: Partial<DialDefaults>;
  logger: Logger;
  clock?: Clock;
}

/**
 * The embedded SIP user agent: transport, transactions, dialogs and the
 * SipPort API over them. One instance per listening address.
 */
export class EmbeddedSipPort implements SipPort {
  readonly driver = "embedded" as const;
  private readonly dialogs = new Map<string, DialogHandler>();
  private readonly registrations = new Set<EmbeddedRegistration>();
  private readonly events: TypedEmitter<SipPortEvents>;
  private handler: ((call: InboundCall) => void | Promise<void>) | null = null;
  private capacity: CapacityHook = () => "available";
  private closing = false;

  private constructor(
    private readonly options: EmbeddedOptions,
    private readonly ctx: UaContext,
    private readonly access: AccessPolicy,
    private readonly throttle: LogThrottle,
  ) {
    this.events = new TypedEmitter((event, err) =>
      options.logger.error({ event, err: String(err) }, "sip listener failed"),
    );
  }

  /** Binds the transports and returns a running UA. */
  static async start(options: EmbeddedOptions): Promise<EmbeddedSipPort> {
    const { logger } = options;
    const limiter = new RateLimiter(options.rateLimit);
    const verifier = new DigestVerifier(
      options.realm,
      options.credentials,
      new NonceIssuer(options.nonceTtlMs, options.clock ?? systemClock),
    );
    const access = new AccessPolicy(options.allow, verifier);
    const throttle = new LogThrottle(options.registry ? { registry: options.registry } : {});
    let port: EmbeddedSipPort | null = null;
    let tcpRefused: (reason: string) => void = () => {};
    const transport = await SipTransport.open({
      host: options.host,
      port: options.port,
      transports: options.transports,
      logger,
      admit: (address) => limiter.take(address),
      onMessage: (message, source) => port?.onMessage(message, source),
      classifyTcp: (address) =>
        access.sourceAllowed(address) ? "trusted" : access.acceptsCredentials ? "untrusted" : "refused",
      onTcpRefused: (reason, address) => {
        tcpRefused(reason);
        const suppressed = throttle.take("sip_tcp_refused", address);
        if (suppressed !== null) logger.warn({ src: address, why: reason, suppressed }, "sip tcp connection refused");
      },
      ...(options.tcp ? { tcpLimits: options.tcp } : {}),
    });
    const timers = options.timers ?? DEFAULT_TIMERS;
    const transactions = new TransactionLayer(transport, timers, options.logger);
    const unacked = new UnacknowledgedDialogs(options.maxUnacknowledgedPerSource ?? 10);
    if (options.registry) {
      tcpRefused = sipMetrics(options.registry, {
        unacknowledged: () => unacked.total,
        tcpConnections: () => transport.tcpConnections,
      }).tcpRefused;
    }
    const ctx: UaContext = {
      transport,
      transactions,
      timers,
      logger,
      userAgent: options.userAgent,
      unacked,
      local: new LocalIdentity(options.host, transport.port, options.publicHost),
      caps: options.caps ?? DEFAULT_CAPABILITIES,
      transports: options.transports,
      addDialog: (key, handler) => port?.dialogs.set(key, handler),
      removeDialog: (key) => port?.dialogs.delete(key),
      respond: (tx, status, reason, opts) => respond(options.userAgent, tx, status, reason, opts),
    };
    port = new EmbeddedSipPort(options, ctx, access, throttle);
    return port;
  }

  get local(): { host: string; port: number } {
    return { host: this.options.host, port: this.ctx.transport.port };
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

  dial(options: DialOptions): Promise<OutboundCall> {
    return dial(this.ctx, options, this.dialDefaults());
  }

  notify(options: NotifyOptions): Promise<NotifyResult> {
    return sendNotify(this.ctx, options, this.dialDefaults());
  }

  private dialDefaults(): DialDefaults {
    return { from: `sip:parley@${this.ctx.local.host}`, ...this.options.dialDefaults };
  }

  async register(options: RegisterOptions): Promise<Registration> {
    const registration = new EmbeddedRegistration(this.ctx, options, (event, payload) =>
      this.events.emit(event, payload),
    );
    await registration.start();
    this.registrations.add(registration);
    return registration;
  }

  /** Hangs up every call (BYE, or 503 if unanswered), unregisters, then closes sockets; waits at most ~2 s for peers. */
  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    const goodbyes = [...new Set(this.dialogs.values())].map((d) => d.shutdown().catch(() => {}));
    const unregisters = [...this.registrations].map((r) => r.stop());
    await Promise.race([Promise.all([...goodbyes, ...unregisters]), new Promise((r) => setTimeout(r, 2000))]);
    this.ctx.transactions.close();
    await this.ctx.transport.close();
    this.events.clear();
  }

  private onMessage(message: SipMessage, source: Endpoint): void {
    const ess = readEssentials(message);
    if (!ess) {
      this.options.logger.debug(
        { src: source.address, port: source.port },
        "sip message without usable Via/From/To/Call-ID/CSeq dropped",
      );
      return;
    }
    if (message.kind === "response") {
      if (this.ctx.transactions.receiveResponse(message, ess)) return;
      // A 2xx retransmitted after the INVITE transaction ended: the dialog re-sends its ACK.
      if (ess.cseq.method === "INVITE" && message.status < 300 && message.status >= 200) {
        this.dialogs
          .get(dialogKey(ess.callId, tagOf(ess.from) ?? "", tagOf(ess.to) ?? ""))
          ?.handleExtra2xx?.(message, ess);
      }
      return;
    }
    if (this.closing) return;
    this.onRequest(message, ess, source);
  }

  private onRequest(request: SipRequest, ess: Essentials, source: Endpoint): void {
    const { transactions } = this.ctx;
    const key = dialogKey(ess.callId, tagOf(ess.to) ?? "", tagOf(ess.from) ?? "");
    if (request.method === "ACK") {
      const tx = transactions.findServer(request, ess);
      if (tx?.state === "completed") return tx.ackNon2xx();
      return this.dialogs.get(key)?.handleAck(request, ess);
    }
    const existing = transactions.findServer(request, ess);
    if (existing) return existing.retransmitted();
    stampReceived(request.headers, ess.topVia, source.address, source.port);
    const tx = transactions.createServer(request, ess, source);
    if (request.method === "CANCEL") return this.cancel(request, ess, tx);
    if (tagOf(ess.to)) {
      const dialog = this.dialogs.get(key);
      if (dialog) return dialog.handleRequest(request, ess, tx);
      return this.ctx.respond(tx, 481, "Call/Transaction Does Not Exist");
    }
    handleOutOfDialog(
      {
        ctx: this.ctx,
        access: this.access,
        emit: (e, p) => this.events.emit(e, p),
        capacity: () => this.capacity,
        handler: () => this.handler,
        refusedLog: (s) => this.throttle.take("sip_request_refused", s.address),
      },
      request,
      ess,
      tx,
    );
  }

  /** CANCEL (RFC 3261 9.2): 200 to the CANCEL, then 487 to the INVITE if it is still unanswered. */
  private cancel(request: SipRequest, ess: Essentials, tx: ServerTransaction): void {
    const invite = this.ctx.transactions.findServer(request, ess, "INVITE");
    if (!invite) return this.ctx.respond(tx, 481, "Call/Transaction Does Not Exist");
    this.ctx.respond(tx, 200, "OK");
    if (!invite.pending) return;
    if (invite.onCancel) invite.onCancel();
    else this.ctx.respond(invite, 487, "Request Terminated");
  }
}

function respond(
  userAgent: string,
  tx: ServerTransaction,
  status: number,
  reason: string,
  options: ResponseOptions = {},
): void {
  const headers: [string, string][] = [...(options.headers ?? []), ["Server", userAgent]];
  tx.respond(makeResponse(tx.request, status, reason, { ...options, toTag: options.toTag ?? tx.toTag, headers }));
}
