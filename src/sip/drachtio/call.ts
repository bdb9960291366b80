import type { Logger } from "../../lib/logger.js";
import { CallEnded, type CallEndReason } from "../errors.js";
import { TypedEmitter } from "../events.js";
import { parseInfoDtmf } from "../info-dtmf.js";
import { negotiate, reanswer, type NegotiatedMedia, type SdpCapabilities } from "../sdp.js";
import type { UnacknowledgedDialogs } from "../security/unacked.js";
import { notifyOutcome, transferByRefer, type ReferWaiter } from "../transfer.js";
import type { CallEvents, OutboundCall, ReinviteHandler, RemoteEndpoint, SipCall, TransferResult } from "../types.js";
import type { SipAddress } from "../uri.js";
import type { SrfDialog, SrfRequest, SrfResponse } from "./srf-types.js";

export interface DrachtioCallInit {
  callId: string;
  from: SipAddress;
  to: SipAddress;
  remote: RemoteEndpoint;
  media: NegotiatedMedia;
  remoteSdp: string;
}

export interface DrachtioDeps {
  logger: Logger;
  caps: SdpCapabilities;
  /** Our Contact URI as drachtio-server reports it (for Referred-By). */
  contactUri: string;
  /** Answered inbound calls awaiting ACK, per source. */
  unacked: UnacknowledgedDialogs;
  /** How long an answered call waits for its ACK. */
  ackTimeoutMs: number;
}

/** What we accept and understand, on every 200 (drachtio-server adds neither). */
export const ALLOW = "INVITE, ACK, CANCEL, BYE, OPTIONS, INFO, REFER, NOTIFY";
export const CAPABILITY_HEADERS = { Allow: ALLOW, Accept: "application/sdp" } as const;

/**
 * A call over a drachtio-srf Dialog. drachtio-server owns transactions,
 * retransmissions and ACKs; this class maps the Dialog's untyped events onto
 * our typed CallEvents and the same AbortSignal contract as the embedded UA.
 */
export abstract class DrachtioCall implements SipCall {
  abstract readonly direction: "inbound" | "outbound";
  readonly callId: string;
  readonly from: SipAddress;
  readonly to: SipAddress;
  readonly remote: RemoteEndpoint;
  media: NegotiatedMedia;
  localSdp: string | null = null;
  remoteSdp: string;
  protected dialog: SrfDialog | null = null;
  protected readonly controller = new AbortController();
  protected readonly events: TypedEmitter<CallEvents>;
  private reinviteHandler: ReinviteHandler | null = null;
  private readonly referWaiters = new Set<ReferWaiter>();
  /** An offerless re-INVITE was answered with our offer: its ACK carries the answer. */
  private awaitingReinviteAnswer = false;

  constructor(
    protected readonly deps: DrachtioDeps,
    init: DrachtioCallInit,
  ) {
    this.callId = init.callId;
    this.from = init.from;
    this.to = init.to;
    this.remote = init.remote;
    this.media = init.media;
    this.remoteSdp = init.remoteSdp;
    this.events = new TypedEmitter<CallEvents>((event, err) =>
      deps.logger.error({ event, err: String(err), callId: this.callId }, "call listener failed"),
    );
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  on<K extends keyof CallEvents>(event: K, listener: (payload: CallEvents[K]) => void): () => void {
    return this.events.on(event, listener);
  }

  onReinvite(handler: ReinviteHandler): void {
    this.reinviteHandler = handler;
  }

  async hangup(): Promise<void> {
    if (this.signal.aborted) return;
    this.end("local-bye");
    await this.dialog
      ?.destroy()
      .catch((err: Error) => this.deps.logger.debug({ callId: this.callId, err: err.message }, "BYE failed"));
  }

  transfer(targetUri: string, options: { signal?: AbortSignal; timeoutMs?: number } = {}): Promise<TransferResult> {
    return transferByRefer({
      targetUri,
      callSignal: this.signal,
      waiters: this.referWaiters,
      referredBy: this.deps.contactUri,
      ...options,
      send: async (headers) => {
        if (!this.dialog) throw new CallEnded("local-bye", "no dialog");
        const res = await this.dialog.request({ method: "REFER", headers: Object.fromEntries(headers) });
        return { status: res.status, reason: res.reason };
      },
    });
  }

  /** Wires the Dialog's events once it exists. */
  protected attach(dialog: SrfDialog): void {
    this.dialog = dialog;
    dialog.on("destroy", () => {
      if (this.signal.aborted) return;
      this.events.emit("call:bye", { remote: null });
      this.end("remote-bye");
    });
    dialog.on("modify", (req, res) => void this.answerReinvite(req, res));
    dialog.on("ack", (req) => this.reinviteAck(req));
    dialog.on("info", (req, res) => {
      res.send(200, "OK");
      const info = { contentType: req.get("content-type") ?? "", body: req.body ?? "" };
      if (this.signal.aborted) return;
      this.events.emit("call:info", info);
      const dtmf = parseInfoDtmf(info.contentType, info.body);
      if (dtmf && !this.signal.aborted) this.events.emit("call:dtmf", dtmf);
    });
    dialog.on("notify", (req, res) => {
      res.send(200, "OK");
      notifyOutcome(
        { event: req.get("event"), subscriptionState: req.get("subscription-state"), body: req.body ?? "" },
        this.referWaiters,
      );
    });
  }

  protected end(reason: CallEndReason, detail?: string): void {
    if (this.signal.aborted) return;
    const ended = new CallEnded(reason, detail);
    this.controller.abort(ended);
    this.events.emit("call:ended", ended);
    this.events.clear();
  }

  private async answerReinvite(req: SrfRequest, res: SrfResponse): Promise<void> {
    const sdp = req.body ?? "";
    if (!sdp.trim()) {
      // An offerless re-INVITE (a session refresh, or a PBX asking for our offer): the ACK brings the answer.
      const offer = this.localSdp ? reanswer(this.localSdp, this.media) : null;
      if (!offer) return res.send(500, "Server Internal Error");
      this.awaitingReinviteAnswer = true;
      res.send(200, "OK", { body: offer, headers: { "Content-Type": "application/sdp", ...CAPABILITY_HEADERS } });
      this.localSdp = offer;
      return;
    }
    const media = negotiate(sdp, this.deps.caps);
    if (!media) return res.send(488, "Not Acceptable Here");
    let answer: string | null = null;
    try {
      answer = this.reinviteHandler
        ? await this.reinviteHandler({ sdp, media, hold: media.hold })
        : reanswer(this.localSdp ?? "", media);
    } catch (err) {
      this.deps.logger.warn({ callId: this.callId, err: (err as Error).message }, "re-INVITE handler failed");
    }
    if (!answer) return res.send(500, "Server Internal Error");
    res.send(200, "OK", { body: answer, headers: { "Content-Type": "application/sdp", ...CAPABILITY_HEADERS } });
    this.localSdp = answer;
    this.applyMedia(sdp, media);
  }

  private reinviteAck(req: SrfRequest): void {
    if (!this.awaitingReinviteAnswer) return;
    this.awaitingReinviteAnswer = false;
    const sdp = req.body ?? "";
    const media = sdp.trim() ? negotiate(sdp, this.deps.caps) : null;
    if (media) this.applyMedia(sdp, media);
  }

  protected applyMedia(sdp: string, media: NegotiatedMedia): void {
    this.media = media;
    this.remoteSdp = sdp;
    if (!this.signal.aborted) this.events.emit("call:reinvite", { sdp, media, hold: media.hold });
  }
}

/** An answered outbound call over drachtio. */
export class DrachtioOutboundCall extends DrachtioCall implements OutboundCall {
  readonly direction = "outbound" as const;

  constructor(deps: DrachtioDeps, init: DrachtioCallInit, dialog: SrfDialog, localSdp: string) {
    super(deps, init);
    this.localSdp = localSdp;
    this.attach(dialog);
  }
}
