import { ParleyError } from "../../lib/errors.js";
import { CallEnded, SipError } from "../errors.js";
import { negotiate } from "../sdp.js";
import type { InboundCall } from "../types.js";
import { sanitizeHeaderValue } from "../syntax.js";
import { ALLOW } from "./builders.js";
import { EmbeddedCall, type CallInit } from "./call.js";
import type { UaContext } from "./context.js";
import { Dialog, dialogKey } from "./dialog.js";
import type { Essentials } from "./headers.js";
import { bodyText, getHeader, getHeaders, type SipRequest } from "./message.js";
import { later } from "./timers.js";
import type { ServerTransaction } from "./transactions/server.js";

/** How long the call layer may leave an offer unanswered before we answer 480 (a timer C stand-in). */
const OFFER_TIMEOUT_MS = 120_000;

/**
 * An inbound INVITE as the call layer sees it. The server transaction keeps
 * answering retransmissions; `accept` sends 200 OK and the transaction
 * retransmits it until the ACK (matched by dialog) arrives.
 */
export class EmbeddedInboundCall extends EmbeddedCall implements InboundCall {
  readonly direction = "inbound" as const;
  readonly requestUri: string;
  readonly offerSdp: string;
  readonly localTag: string;
  private acked = false;
  /** The body of the ACK for our 2xx: the answer to our offer when the INVITE had none. */
  private ackBody = "";
  private confirmedWaiters: (() => void)[] = [];
  private readonly offerTimer: NodeJS.Timeout;

  constructor(
    ctx: UaContext,
    private readonly tx: ServerTransaction,
    init: CallInit,
    readonly authenticatedUser: string | undefined,
  ) {
    super(ctx, init);
    this.localTag = tx.toTag;
    this.requestUri = tx.request.uri;
    this.offerSdp = init.remoteSdp;
    tx.onCancel = () => this.cancelled();
    this.offerTimer = later(OFFER_TIMEOUT_MS, () => {
      if (this.tx.pending) void this.reject(480, "Temporarily Unavailable");
    });
  }

  /** The key of this call's dialog (known before the 2xx: we chose our tag). */
  get key(): string {
    return dialogKey(this.callId, this.localTag, this.tx.essentials.from.params.tag ?? "");
  }

  header(name: string): string | undefined {
    return getHeader(this.tx.request, name);
  }

  headers(name: string): string[] {
    return getHeaders(this.tx.request, name);
  }

  async ringing(): Promise<void> {
    if (!this.tx.pending || this.ended) return;
    this.ctx.respond(this.tx, 180, "Ringing", {
      toTag: this.localTag,
      headers: [["Contact", this.ctx.local.contact(this.tx.source.transport)]],
    });
  }

  accept(localSdp: string): Promise<void> {
    if (this.ended) return Promise.reject(this.signal.reason as CallEnded);
    if (!this.tx.pending)
      return Promise.reject(
        new ParleyError("sip_invalid_state", "the call was already answered or rejected", { status: 409 }),
      );
    const source = this.tx.source.address;
    if (this.ctx.unacked.full(source)) {
      // Checked again here: a burst of INVITEs is admitted before the first of them is answered.
      void this.reject(503, "Service Unavailable");
      return Promise.reject(
        new SipError(503, "Service Unavailable", {
          details: { why: "too many unacknowledged calls from this source" },
        }),
      );
    }
    clearTimeout(this.offerTimer);
    const release = this.ctx.unacked.hold(source);
    this.dialog = Dialog.forUas(this.tx.request, this.tx.essentials, this.localTag, this.tx.source.transport);
    this.localSdp = localSdp;
    const done = new Promise<void>((resolve, reject) => {
      this.tx.onAck = () => {
        release();
        this.confirm();
        if (!this.offerSdp && !this.takeAnswer()) {
          reject(
            new SipError(488, "Not Acceptable Here", {
              details: { why: "the ACK carried no usable answer to our offer" },
            }),
          );
          void this.terminate("media-failed");
          return;
        }
        if (!this.ended) this.events.emit("call:ack", {});
        resolve();
      };
      this.tx.onAckTimeout = () => {
        release();
        this.confirm();
        reject(new SipError(408, "ACK not received"));
        // RFC 3261 13.3.1.4: an unacknowledged 2xx ends the session with a BYE.
        void this.terminate("ack-timeout");
      };
      this.signal.addEventListener(
        "abort",
        () => {
          release();
          reject(this.signal.reason as CallEnded);
        },
        { once: true },
      );
    });
    done.catch(() => {}); // the caller may not await accept(); the rejection is still delivered to those who do
    this.ctx.respond(this.tx, 200, "OK", {
      toTag: this.localTag,
      body: localSdp,
      headers: [
        ["Contact", this.ctx.local.contact(this.tx.source.transport)],
        ["Allow", ALLOW],
        ["Accept", "application/sdp"],
      ],
    });
    return done;
  }

  async reject(status: number, reason?: string): Promise<void> {
    if (!Number.isInteger(status) || status < 300 || status > 699) {
      throw new ParleyError("invalid_argument", `a rejection needs a status in 300..699, not ${status}`, {
        status: 400,
      });
    }
    if (!this.tx.pending) return;
    clearTimeout(this.offerTimer);
    this.ctx.respond(this.tx, status, sanitizeHeaderValue(reason ?? defaultReason(status)).slice(0, 100), {
      toTag: this.localTag,
    });
    this.end("rejected", String(status));
    this.release();
  }

  override hangup(): Promise<void> {
    // Before an answer there is no dialog to BYE: decline the INVITE instead.
    if (this.tx.pending) return this.reject(480, "Temporarily Unavailable");
    return super.hangup();
  }

  async shutdown(): Promise<void> {
    if (this.tx.pending) return this.reject(503, "Service Unavailable");
    return this.terminate("shutdown");
  }

  override handleAck(request: SipRequest, ess: Essentials): void {
    if (!this.acked && ess.cseq.seq === this.tx.essentials.cseq.seq) {
      this.ackBody = bodyText(request);
      this.tx.acknowledge2xx();
      return;
    }
    super.handleAck(request, ess);
  }

  protected untilConfirmed(): Promise<void> {
    if (this.acked || !this.dialog) return Promise.resolve();
    return new Promise((resolve) => this.confirmedWaiters.push(resolve));
  }

  protected isConfirmed(): boolean {
    return this.acked;
  }

  protected override release(): void {
    clearTimeout(this.offerTimer);
    if (!this.dialog && !this.released) this.ctx.removeDialog(this.key);
    super.release();
  }

  /** Delayed offer: the answer to the offer in our 200 came in the ACK. False when it is missing or unusable. */
  private takeAnswer(): boolean {
    const media = this.ackBody.trim() ? negotiate(this.ackBody, this.ctx.caps) : null;
    if (!media) return false;
    this.media = media;
    this.remoteSdp = this.ackBody;
    return true;
  }

  private cancelled(): void {
    if (!this.tx.pending) return;
    clearTimeout(this.offerTimer);
    this.ctx.respond(this.tx, 487, "Request Terminated", { toTag: this.localTag });
    if (!this.ended) this.events.emit("call:cancel", {});
    this.end("cancelled");
    this.release();
  }

  private confirm(): void {
    this.acked = true;
    for (const w of this.confirmedWaiters.splice(0)) w();
  }
}

function defaultReason(status: number): string {
  const reasons: Record<number, string> = {
    403: "Forbidden",
    404: "Not Found",
    480: "Temporarily Unavailable",
    486: "Busy Here",
    487: "Request Terminated",
    488: "Not Acceptable Here",
    500: "Server Internal Error",
    503: "Service Unavailable",
    603: "Decline",
  };
  return reasons[status] ?? "Rejected";
}
