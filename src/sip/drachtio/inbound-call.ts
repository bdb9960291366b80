import { ParleyError } from "../../lib/errors.js";
import { CallEnded, SipError } from "../errors.js";
import { sanitizeHeaderValue } from "../syntax.js";
import type { InboundCall } from "../types.js";
import { DrachtioCall, type DrachtioCallInit, type DrachtioDeps } from "./call.js";
import type { SrfClient, SrfRequest, SrfResponse } from "./srf-types.js";

/** How long we wait for the ACK of our 200 (64*T1 with the default T1). */
const ACK_TIMEOUT_MS = 32_000;

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

  async ringing(): Promise<void> {
    if (!this.answered && !this.res.finalResponseSent && !this.signal.aborted) this.res.send(180, "Ringing");
  }

  async accept(localSdp: string): Promise<void> {
    if (this.signal.aborted) throw this.signal.reason as CallEnded;
    if (this.answered || this.res.finalResponseSent) throw new ParleyError("sip_invalid_state", "the call was already answered or rejected", { status: 409 });
    this.answered = true;
    this.localSdp = localSdp;
    const dialog = await this.srf.createUAS(this.req, this.res, { localSdp, headers: { "Content-Type": "application/sdp" } });
    this.attach(dialog);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new SipError(408, "ACK not received"));
        void this.hangup();
      }, ACK_TIMEOUT_MS);
      timer.unref();
      dialog.on("ack", () => {
        clearTimeout(timer);
        if (!this.signal.aborted) this.events.emit("call:ack", {});
        resolve();
      });
      this.signal.addEventListener("abort", () => {
        clearTimeout(timer);
        reject(this.signal.reason as CallEnded);
      }, { once: true });
    });
  }

  async reject(status: number, reason?: string): Promise<void> {
    if (!Number.isInteger(status) || status < 300 || status > 699) {
      throw new ParleyError("invalid_argument", `a rejection needs a status in 300..699, not ${status}`, { status: 400 });
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
