import { CallEnded, type CallEndReason } from "../errors.js";
import { TypedEmitter } from "../events.js";
import { parseInfoDtmf } from "../info-dtmf.js";
import { negotiate, reanswer, type NegotiatedMedia } from "../sdp.js";
import type { CallEvents, ReinviteHandler, RemoteEndpoint, SipCall, TransferResult } from "../types.js";
import type { SipAddress } from "../uri.js";
import type { Authenticator } from "./authenticator.js";
import { ALLOW } from "./builders.js";
import type { UaContext } from "./context.js";
import { contactUri, type Dialog } from "./dialog.js";
import type { Essentials } from "./headers.js";
import { bodyText, getHeader, type SipRequest, type SipResponse } from "./message.js";
import { requestWithAuth } from "./request.js";
import type { ServerTransaction } from "./transactions/server.js";
import { transferByRefer, notifyOutcome, type ReferWaiter } from "../transfer.js";
import type { Endpoint } from "./transport.js";

export interface CallInit {
  callId: string;
  from: SipAddress;
  to: SipAddress;
  remote: Endpoint;
  media: NegotiatedMedia;
  remoteSdp: string;
}

/**
 * Dialog behaviour shared by inbound and outbound embedded calls: in-dialog
 * requests (BYE, re-INVITE, INFO, NOTIFY, OPTIONS), our BYE and REFER, and
 * the end of the call. Ending (`end`: abort the signal, emit `call:ended`) and
 * releasing the dialog (`release`: stop matching requests) are separate so a
 * hung-up call can still absorb the ACK it is owed before its BYE.
 */
export abstract class EmbeddedCall implements SipCall {
  abstract readonly direction: "inbound" | "outbound";
  readonly callId: string;
  readonly from: SipAddress;
  readonly to: SipAddress;
  readonly remote: RemoteEndpoint;
  media: NegotiatedMedia;
  localSdp: string | null = null;
  remoteSdp: string;
  dialog: Dialog | null = null;
  protected readonly controller = new AbortController();
  protected readonly events: TypedEmitter<CallEvents>;
  protected auth: Authenticator | undefined;
  /** The TCP connection the dialog runs over, reused for our requests when still open. */
  protected flow: Endpoint | undefined;
  protected released = false;
  private reinviteHandler: ReinviteHandler | null = null;
  private reinviteTx: ServerTransaction | null = null;
  private readonly referWaiters = new Set<ReferWaiter>();
  private byePromise: Promise<void> | null = null;

  constructor(
    protected readonly ctx: UaContext,
    init: CallInit,
  ) {
    this.callId = init.callId;
    this.from = init.from;
    this.to = init.to;
    this.remote = { ...init.remote };
    this.media = init.media;
    this.remoteSdp = init.remoteSdp;
    if (init.remote.transport === "tcp") this.flow = init.remote;
    this.events = new TypedEmitter<CallEvents>((event, err) =>
      ctx.logger.error({ event, err: String(err), callId: this.callId }, "call listener failed"),
    );
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get ended(): boolean {
    return this.controller.signal.aborted;
  }

  on<K extends keyof CallEvents>(event: K, listener: (payload: CallEvents[K]) => void): () => void {
    return this.events.on(event, listener);
  }

  onReinvite(handler: ReinviteHandler): void {
    this.reinviteHandler = handler;
  }

  /** Resolves once the dialog is confirmed (inbound: our 2xx was ACKed or gave up). */
  protected abstract untilConfirmed(): Promise<void>;

  /** Ends the call on shutdown of the UA. */
  abstract shutdown(): Promise<void>;

  hangup(): Promise<void> {
    return this.terminate("local-bye");
  }

  transfer(targetUri: string, options: { signal?: AbortSignal; timeoutMs?: number } = {}): Promise<TransferResult> {
    return transferByRefer({
      targetUri,
      callSignal: this.signal,
      waiters: this.referWaiters,
      referredBy: this.ctx.local.contactUri(this.dialog?.transport ?? "udp"),
      send: (headers) => this.sendInDialog("REFER", { headers }),
      ...options,
    });
  }

  /** An in-dialog request other than ACK, in its own (already open) server transaction. */
  handleRequest(request: SipRequest, ess: Essentials, tx: ServerTransaction): void {
    const dialog = this.dialog;
    if (!dialog || (this.released && request.method !== "BYE")) {
      this.ctx.respond(tx, 481, "Call/Transaction Does Not Exist");
      return;
    }
    if (!dialog.acceptRemoteSeq(ess.cseq.seq, request.method)) {
      this.ctx.respond(tx, 500, "Server Internal Error");
      return;
    }
    switch (request.method) {
      case "BYE":
        this.ctx.respond(tx, 200, "OK");
        if (!this.ended) this.events.emit("call:bye", { remote: { ...tx.source } });
        this.end("remote-bye");
        this.release();
        return;
      case "INVITE":
        void this.handleReinvite(request, tx);
        return;
      case "INFO": {
        this.ctx.respond(tx, 200, "OK");
        const info = { contentType: getHeader(request, "content-type") ?? "", body: bodyText(request) };
        if (this.ended) return;
        this.events.emit("call:info", info);
        const dtmf = parseInfoDtmf(info.contentType, info.body);
        if (dtmf && !this.ended) this.events.emit("call:dtmf", dtmf);
        return;
      }
      case "NOTIFY":
        this.ctx.respond(tx, 200, "OK");
        notifyOutcome(
          {
            event: getHeader(request, "event"),
            subscriptionState: getHeader(request, "subscription-state"),
            body: bodyText(request),
          },
          this.referWaiters,
        );
        return;
      case "OPTIONS":
        this.ctx.respond(tx, 200, "OK", {
          headers: [
            ["Allow", ALLOW],
            ["Accept", "application/sdp"],
          ],
        });
        return;
      default:
        this.ctx.respond(tx, 405, "Method Not Allowed", { headers: [["Allow", ALLOW]] });
    }
  }

  /** An ACK in this dialog (for a 2xx of ours). */
  handleAck(request: SipRequest, ess: Essentials): void {
    const tx = this.reinviteTx;
    if (!tx || tx.essentials.cseq.seq !== ess.cseq.seq) return;
    tx.acknowledge2xx();
    // Offerless re-INVITE: our 200 carried the offer, the ACK carries the answer.
    const sdp = bodyText(request);
    const media = sdp.trim() ? negotiate(sdp, this.ctx.caps) : null;
    if (media) this.applyMedia(sdp, media);
  }

  /** Sends a request in the dialog (with digest retry); resolves with the final response. */
  protected sendInDialog(
    method: string,
    options: { headers?: [string, string][]; body?: string } = {},
  ): Promise<SipResponse> {
    const dialog = this.dialog;
    if (!dialog) return Promise.reject(new CallEnded("local-bye", "no dialog"));
    return requestWithAuth(
      this.ctx,
      (branch) => dialog.build(method, this.ctx.local, branch, options),
      dialog.transport,
      this.auth,
      this.flow,
    );
  }

  /** Ends the call with a BYE, once, whoever asks first (hangup, ACK timeout, shutdown). */
  protected terminate(reason: CallEndReason): Promise<void> {
    this.byePromise ??= this.bye(reason);
    return this.byePromise;
  }

  private async bye(reason: CallEndReason): Promise<void> {
    this.end(reason);
    await this.untilConfirmed();
    if (this.dialog && !this.released) {
      try {
        await this.sendInDialog("BYE");
      } catch (err) {
        this.ctx.logger.debug({ callId: this.callId, err: (err as Error).message }, "BYE got no answer");
      }
    }
    this.release();
  }

  /** Aborts the signal with a CallEnded and emits `call:ended`; nothing is emitted afterwards. */
  protected end(reason: CallEndReason, detail?: string): void {
    if (this.ended) return;
    const ended = new CallEnded(reason, detail);
    this.controller.abort(ended);
    this.events.emit("call:ended", ended);
    this.events.clear();
  }

  /** Stops matching in-dialog requests to this call. */
  protected release(): void {
    if (this.released) return;
    this.released = true;
    if (this.dialog) this.ctx.removeDialog(this.dialog.key);
  }

  private async handleReinvite(request: SipRequest, tx: ServerTransaction): Promise<void> {
    if (this.ended) return this.ctx.respond(tx, 481, "Call/Transaction Does Not Exist");
    // One offer/answer at a time (RFC 3261 14.2); also while our first 2xx awaits its ACK.
    if (this.reinviteTx || !this.isConfirmed()) return this.ctx.respond(tx, 491, "Request Pending");
    this.ctx.respond(tx, 100, "Trying");
    const sdp = bodyText(request);
    const media = sdp.trim() ? negotiate(sdp, this.ctx.caps) : null;
    if (sdp.trim() && !media) return this.ctx.respond(tx, 488, "Not Acceptable Here");
    let answer: string | null;
    try {
      if (!media) answer = this.localSdp ? reanswer(this.localSdp, this.media) : null;
      else if (this.reinviteHandler) answer = await this.reinviteHandler({ sdp, media, hold: media.hold });
      else answer = reanswer(this.localSdp ?? "", media);
    } catch (err) {
      this.ctx.logger.warn({ callId: this.callId, err: (err as Error).message }, "re-INVITE handler failed");
      answer = null;
    }
    if (this.ended || !this.dialog) return this.ctx.respond(tx, 481, "Call/Transaction Does Not Exist");
    if (!answer) return this.ctx.respond(tx, 500, "Server Internal Error");
    const contact = contactUri(request);
    if (contact) this.dialog.remoteTarget = contact;
    this.reinviteTx = tx;
    tx.onAck = () => (this.reinviteTx = null);
    tx.onAckTimeout = () => {
      this.reinviteTx = null;
      // RFC 3261 13.3.1.4: no ACK for a 2xx means the session SHOULD be torn down with a BYE.
      void this.terminate("ack-timeout");
    };
    this.ctx.respond(tx, 200, "OK", {
      body: answer,
      headers: [
        ["Contact", this.ctx.local.contact(this.dialog.transport)],
        ["Allow", ALLOW],
      ],
    });
    this.localSdp = answer;
    if (media) this.applyMedia(sdp, media);
  }

  private applyMedia(sdp: string, media: NegotiatedMedia): void {
    this.media = media;
    this.remoteSdp = sdp;
    if (!this.ended) this.events.emit("call:reinvite", { sdp, media, hold: media.hold });
  }

  /** True once the dialog is confirmed (outbound: always; inbound: after the ACK). */
  protected abstract isConfirmed(): boolean;
}
