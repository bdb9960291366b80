import type { OutboundCall } from "../types.js";
import type { Authenticator } from "./authenticator.js";
import { newBranch } from "./builders.js";
import { EmbeddedCall, type CallInit } from "./call.js";
import type { UaContext } from "./context.js";
import { Dialog } from "./dialog.js";
import { tagOf, type Essentials } from "./headers.js";
import type { SipRequest, SipResponse } from "./message.js";
import { requestWithAuth } from "./request.js";
import { resolveUri } from "./resolve.js";
import type { Endpoint } from "./transport.js";

/** The ACK we sent for the 2xx, with the INVITE it acknowledged. */
export interface SentAck {
  request: SipRequest;
  target: Endpoint;
  invite: SipRequest;
  seq: number;
}

/**
 * An answered outbound call. Keeps the ACK it sent so a retransmitted 2xx
 * (our ACK was lost) gets the same ACK again; a 2xx from another fork (a
 * different To tag) is ACKed and immediately hung up (RFC 3261 13.2.2.4:
 * we want one session).
 */
export class EmbeddedOutboundCall extends EmbeddedCall implements OutboundCall {
  readonly direction = "outbound" as const;

  constructor(
    ctx: UaContext,
    init: CallInit,
    dialog: Dialog,
    localSdp: string,
    private readonly ack: SentAck,
    auth: Authenticator | undefined,
  ) {
    super(ctx, init);
    this.dialog = dialog;
    this.localSdp = localSdp;
    this.auth = auth;
  }

  /** A 2xx for our INVITE after the first one. */
  handleExtra2xx(response: SipResponse, ess: Essentials): void {
    if (tagOf(ess.to) === this.dialog?.remoteTag) {
      this.ctx.transport.send(this.ack.request, this.ack.target).catch(() => {});
      return;
    }
    const stray = Dialog.forUac(this.ack.invite, this.ack.seq, response, ess, this.ack.target.transport);
    const { request, hop } = stray.build("ACK", this.ctx.local, newBranch(), { seq: this.ack.seq });
    void resolveUri(hop, stray.transport, this.ctx.transports)
      .then((target) => this.ctx.transport.send(request, target))
      .then(() =>
        requestWithAuth(this.ctx, (branch) => stray.build("BYE", this.ctx.local, branch), stray.transport, this.auth),
      )
      .catch((err: Error) =>
        this.ctx.logger.debug({ callId: this.callId, err: err.message }, "could not end a forked 2xx"),
      );
  }

  shutdown(): Promise<void> {
    return this.terminate("shutdown");
  }

  protected untilConfirmed(): Promise<void> {
    return Promise.resolve();
  }

  protected isConfirmed(): boolean {
    return true;
  }
}
