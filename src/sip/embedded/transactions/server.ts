import type { Logger } from "../../../lib/logger.js";
import { randomToken } from "../builders.js";
import type { Essentials } from "../headers.js";
import type { SipRequest, SipResponse } from "../message.js";
import { later, Retransmitter, type SipTimers } from "../timers.js";
import type { Endpoint } from "../transport.js";

export interface ServerTxContext {
  send(message: SipResponse, to: Endpoint): Promise<void>;
  timers: SipTimers;
  logger: Logger;
  onTerminated(key: string): void;
}

export type ServerTxState = "proceeding" | "completed" | "confirmed" | "accepted" | "terminated";

/**
 * A server transaction (RFC 3261 17.2, with RFC 6026's "accepted" state).
 * Retransmitted requests are answered from here with the last response and
 * never reach the call layer again. For INVITE a 2xx is retransmitted (T1
 * doubling to T2) until the dialog's ACK arrives (`acknowledge2xx`) or the ACK
 * timeout (64*T1 unless configured shorter) passes (`onAckTimeout`); a non-2xx final is retransmitted (timer G) until
 * its ACK or timer H.
 */
export class ServerTransaction {
  state: ServerTxState = "proceeding";
  lastResponse: SipResponse | null = null;
  /** Our To tag for every response of this transaction (RFC 3261 8.2.6.2); an inbound call adopts it. */
  readonly toTag = randomToken();
  /** Set by the UAS for an INVITE: called on CANCEL while no final response was sent. */
  onCancel: (() => void) | null = null;
  onAckTimeout: (() => void) | null = null;
  onAck: (() => void) | null = null;
  private retransmitter: Retransmitter | null = null;
  private endTimer: NodeJS.Timeout | null = null;

  constructor(
    readonly key: string,
    readonly request: SipRequest,
    readonly essentials: Essentials,
    readonly source: Endpoint,
    private readonly ctx: ServerTxContext,
  ) {}

  get isInvite(): boolean {
    return this.request.method === "INVITE";
  }

  /** True until a final response has been sent. */
  get pending(): boolean {
    return this.state === "proceeding";
  }

  /** Sends a response and moves the state machine. Responses after the final one are ignored. */
  respond(response: SipResponse): void {
    if (this.state !== "proceeding") return;
    this.lastResponse = response;
    this.transmit();
    if (response.status < 200) return;
    const { t1, t2 } = this.ctx.timers;
    const reliable = this.source.transport === "tcp";
    if (!this.isInvite) {
      this.state = "completed";
      this.finishAfter(reliable ? 0 : 64 * t1); // timer J
    } else if (response.status < 300) {
      this.state = "accepted";
      this.retransmitter = new Retransmitter(() => this.transmit(), {
        initial: t1,
        cap: t2,
        giveUpAfter: this.ctx.timers.ackTimeout ?? 64 * t1,
        retransmit: true,
        onGiveUp: () => {
          this.finishAfter(0);
          this.onAckTimeout?.();
        },
      });
    } else {
      this.state = "completed";
      this.retransmitter = new Retransmitter(() => this.transmit(), {
        initial: t1,
        cap: t2,
        giveUpAfter: 64 * t1,
        retransmit: !reliable, // timers G and H
        onGiveUp: () => this.finishAfter(0),
      });
    }
  }

  /** The request arrived again: answer it with the last response, if any. */
  retransmitted(): void {
    if (this.lastResponse && this.state !== "terminated") this.transmit();
  }

  /** ACK for our non-2xx final (same branch): stop timer G, absorb ACK retransmissions for T4 (timer I). */
  ackNon2xx(): void {
    if (this.state !== "completed" || !this.isInvite) return;
    this.state = "confirmed";
    this.retransmitter?.stop();
    this.finishAfter(this.source.transport === "tcp" ? 0 : this.ctx.timers.t4);
  }

  /** ACK for our 2xx (matched by dialog): stop retransmitting; stay to absorb INVITE retransmissions (RFC 6026 timer L). */
  acknowledge2xx(): void {
    if (this.state !== "accepted" || !this.retransmitter) return;
    this.retransmitter.stop();
    this.retransmitter = null;
    this.onAck?.();
    this.finishAfter(64 * this.ctx.timers.t1);
  }

  /** Stops timers and forgets the transaction (shutdown). */
  terminate(): void {
    this.retransmitter?.stop();
    if (this.endTimer) clearTimeout(this.endTimer);
    if (this.state === "terminated") return;
    this.state = "terminated";
    this.ctx.onTerminated(this.key);
  }

  /** Where responses go (RFC 3261 18.2.2 with RFC 3581): the source address; its port with rport. */
  responseTarget(): Endpoint {
    if (this.source.transport === "tcp") return this.source;
    const via = this.essentials.topVia;
    const port = "rport" in via.params ? this.source.port : (via.port ?? 5060);
    // Never the Via host: answering an address other than the source would make us a reflector.
    return { transport: "udp", address: this.source.address, port };
  }

  private transmit(): void {
    const response = this.lastResponse;
    if (!response) return;
    this.ctx.send(response, this.responseTarget()).catch((err: Error) => {
      this.ctx.logger.debug({ err: err.message, dst: this.source.address }, "sip response not sent");
    });
  }

  private finishAfter(ms: number): void {
    if (this.endTimer) clearTimeout(this.endTimer);
    this.endTimer = later(ms, () => this.terminate());
  }
}
