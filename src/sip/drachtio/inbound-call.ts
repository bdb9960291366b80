import { ParleyError } from "../../lib/errors.js";
import { CallEnded, SipError } from "../errors.js";
import { negotiate } from "../sdp.js";
import { sanitizeHeaderValue } from "../syntax.js";
import type { InboundCall } from "../types.js";
import { CAPABILITY_HEADERS, DrachtioCall, type DrachtioCallInit, type DrachtioDeps } from "./call.js";
import type { SrfClient, SrfRequest, SrfResponse } from "./srf-types.js";

/** An inbound INVITE over drachtio; drachtio-server sends 100 Trying and retransmits our 2xx. */
export class DrachtioInboundCall extends DrachtioCall implements InboundCall {
  readonly direction = "inbound" as const;
  readonly requestUri: string;
  readonly offerSdp: string;
  private answered = false;

  constructor(
    deps: DrachtioDeps,
    private readonly srf: SrfClient,
    private readonly req: SrfRequest,
    private readonly res: SrfResponse,
    init: DrachtioCallInit,
    readonly authenticatedUser: string | undefined,
  ) {
    super(deps, init);
    this.requestUri = req.uri;
    this.offerSdp = init.remoteSdp;
    // drachtio-server answers the CANCEL (200) and the INVITE (487) itself; we only end the call.
    req.on("cancel", () => {
      if (this.answered || this.signal.aborted) return;
      this.events.emit("call:cancel", {});
      this.end("cancelled");
    });
  }

  header(name: string): string | undefined {
    return this.req.get(name);
  }

  headers(name: string): string[] {
    // drachtio-srf keeps one string per header name, repeated lines joined with commas.
    const value = this.req.get(name);
    return value ? [value] : [];
  }

  async ringing(): Promise<void> {
    if (!this.answered && !this.res.finalResponseSent && !this.signal.aborted) this.res.send(180, "Ringing");
  }

  async accept(localSdp: string): Promise<void> {
    if (this.signal.aborted) throw this.signal.reason as CallEnded;
    if (this.answered || this.res.finalResponseSent)
      throw new ParleyError("sip_invalid_state", "the call was already answered or rejected", { status: 409 });
    if (this.deps.unacked.full(this.remote.address)) {
      // Checked again here: a burst of INVITEs is admitted before the first of them is answered.
      await this.reject(503, "Service Unavailable");
      throw new SipError(503, "Service Unavailable", {
        details: { why: "too many unacknowledged calls from this source" },
      });
    }
    this.answered = true;
    this.localSdp = localSdp;
    const release = this.deps.unacked.hold(this.remote.address);
    let dialog: Awaited<ReturnType<SrfClient["createUAS"]>>;
    try {
      dialog = await this.srf.createUAS(this.req, this.res, {
        localSdp,
        headers: { "Content-Type": "application/sdp", ...CAPABILITY_HEADERS },
      });
    } catch (err) {
      release();
      throw err;
    }
    this.attach(dialog);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        release();
        reject(new SipError(408, "ACK not received"));
        void this.hangup();
      }, this.deps.ackTimeoutMs);
      timer.unref();
      dialog.once("ack", (ack) => {
        clearTimeout(timer);
        release();
        // Delayed offer: our 200 carried the offer, the ACK the answer.
        if (!this.offerSdp && !this.takeAnswer(ack.body ?? "")) {
          reject(
            new SipError(488, "Not Acceptable Here", {
              details: { why: "the ACK carried no usable answer to our offer" },
            }),
          );
          this.end("media-failed");
          void dialog.destroy().catch(() => {});
          return;
        }
        if (!this.signal.aborted) this.events.emit("call:ack", {});
        resolve();
      });
      this.signal.addEventListener(
        "abort",
        () => {
          clearTimeout(timer);
          release();
          reject(this.signal.reason as CallEnded);
        },
        { once: true },
      );
    });
  }

  private takeAnswer(sdp: string): boolean {
    const media = sdp.trim() ? negotiate(sdp, this.deps.caps) : null;
    if (!media) return false;
    this.media = media;
    this.remoteSdp = sdp;
    return true;
  }

  async reject(status: number, reason?: string): Promise<void> {
    if (!Number.isInteger(status) || status < 300 || status > 699) {
      throw new ParleyError("invalid_argument", `a rejection needs a status in 300..699, not ${status}`, {
        status: 400,
      });
    }
    if (this.answered || this.res.finalResponseSent) return;
    this.res.send(status, sanitizeHeaderValue(reason ?? "Rejected").slice(0, 100));
    this.end("rejected", String(status));
  }

  override hangup(): Promise<void> {
    if (!this.answered) return this.reject(480, "Temporarily Unavailable");
    return super.hangup();
  }
}
