import type { Logger } from "../../../lib/logger.js";
import { getHeader, getHeaders, type SipRequest, type SipResponse } from "../message.js";
import { makeRequest } from "../builders.js";
import { later, Retransmitter, type SipTimers } from "../timers.js";
import type { Endpoint } from "../transport.js";

export interface ClientTxContext {
  send(message: SipRequest, to: Endpoint): Promise<void>;
  timers: SipTimers;
  logger: Logger;
  onTerminated(key: string): void;
}

export interface ClientTxCallbacks {
  onProvisional?(response: SipResponse): void;
  /** The first final response. */
  onFinal(response: SipResponse): void;
  /** INVITE only: a 2xx arrived again (retransmission or another fork): the TU re-sends its ACK. */
  onExtra2xx?(response: SipResponse): void;
  /** Timer B or F fired with no final response. */
  onTimeout(): void;
  onTransportError(err: Error): void;
}

type State = "calling" | "proceeding" | "completed" | "accepted" | "terminated";

/**
 * A client transaction (RFC 3261 17.1 with RFC 6026). INVITE: timer A
 * retransmits over UDP (T1 doubling), timer B gives up after 64*T1 without
 * any response; a non-2xx final is ACKed here (same branch) and the ACK
 * re-sent for retransmitted finals (timer D). Non-INVITE: timer E (T1
 * doubling to T2, then T2 once a provisional arrived) and timer F.
 */
export class ClientTransaction {
  private state: State = "calling";
  private retransmitter: Retransmitter | null = null;
  private endTimer: NodeJS.Timeout | null = null;
  private ack: SipRequest | null = null;

  constructor(
    readonly key: string,
    readonly request: SipRequest,
    readonly target: Endpoint,
    private readonly ctx: ClientTxContext,
    private readonly callbacks: ClientTxCallbacks,
  ) {}

  get isInvite(): boolean {
    return this.request.method === "INVITE";
  }

  /** True once a provisional response arrived (CANCEL may only be sent then, RFC 3261 9.1). */
  get hasProvisional(): boolean {
    return this.state === "proceeding";
  }

  /** Sends the request and arms the timers. */
  start(): void {
    const { t1, t2 } = this.ctx.timers;
    const unreliable = this.target.transport === "udp";
    this.retransmitter = new Retransmitter(() => this.transmit(this.request), {
      initial: t1,
      cap: this.isInvite ? Number.MAX_SAFE_INTEGER : t2,
      giveUpAfter: 64 * t1,
      retransmit: unreliable,
      onGiveUp: () => {
        if (this.state !== "calling" && this.state !== "proceeding") return;
        this.finishAfter(0);
        this.callbacks.onTimeout();
      },
    });
    this.transmit(this.request);
  }

  /** A response whose top Via branch and CSeq method match this transaction. */
  receive(response: SipResponse): void {
    const { status } = response;
    if (status < 200) {
      if (this.state !== "calling" && this.state !== "proceeding") return;
      if (this.isInvite)
        this.retransmitter?.stop(); // timer B only covers "calling"
      else this.retransmitter?.slowTo(this.ctx.timers.t2);
      this.state = "proceeding";
      this.callbacks.onProvisional?.(response);
      return;
    }
    if (this.state === "calling" || this.state === "proceeding") {
      this.retransmitter?.stop();
      const { t1, t4 } = this.ctx.timers;
      const unreliable = this.target.transport === "udp";
      if (this.isInvite && status < 300) {
        this.state = "accepted";
        this.finishAfter(64 * t1); // timer M
      } else if (this.isInvite) {
        this.state = "completed";
        this.ack = ackForNon2xx(this.request, response);
        this.transmit(this.ack);
        this.finishAfter(unreliable ? 32_000 : 0); // timer D
      } else {
        this.state = "completed";
        this.finishAfter(unreliable ? t4 : 0); // timer K
      }
      this.callbacks.onFinal(response);
      return;
    }
    if (this.state === "completed" && this.ack) this.transmit(this.ack);
    else if (this.state === "accepted" && status < 300) this.callbacks.onExtra2xx?.(response);
  }

  /** Fails a transaction still waiting for its final response (UA shutdown), then terminates it. */
  abort(err: Error): void {
    const waiting = this.state === "calling" || this.state === "proceeding";
    this.terminate();
    if (waiting) this.callbacks.onTransportError(err);
  }

  /** Stops timers and forgets the transaction. */
  terminate(): void {
    this.retransmitter?.stop();
    if (this.endTimer) clearTimeout(this.endTimer);
    if (this.state === "terminated") return;
    this.state = "terminated";
    this.ctx.onTerminated(this.key);
  }

  private transmit(message: SipRequest): void {
    this.ctx.send(message, this.target).catch((err: Error) => {
      if (this.state === "terminated") return;
      this.ctx.logger.debug({ err: err.message, dst: this.target.address }, "sip request not sent");
      if (message !== this.request || this.state === "completed" || this.state === "accepted") return;
      this.retransmitter?.stop();
      this.finishAfter(0);
      this.callbacks.onTransportError(err);
    });
  }

  private finishAfter(ms: number): void {
    if (this.endTimer) clearTimeout(this.endTimer);
    this.endTimer = later(ms, () => this.terminate());
  }
}

/** The ACK for a non-2xx final (RFC 3261 17.1.1.3): same branch, To from the response, INVITE's Route and credentials. */
function ackForNon2xx(invite: SipRequest, response: SipResponse): SipRequest {
  const cseq = (getHeader(invite, "cseq") ?? "").split(/\s+/)[0] ?? "1";
  const ack = makeRequest({
    method: "ACK",
    uri: invite.uri,
    via: getHeaders(invite, "via")[0] ?? "",
    from: getHeader(invite, "from") ?? "",
    to: getHeader(response, "to") ?? "",
    callId: getHeader(invite, "call-id") ?? "",
    cseq: Number(cseq),
    routes: getHeaders(invite, "route"),
  });
  for (const name of ["authorization", "proxy-authorization"]) {
    for (const value of getHeaders(invite, name)) ack.headers.push({ name, value });
  }
  return ack;
}
