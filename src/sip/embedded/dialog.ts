import { randomInt } from "node:crypto";
import { parseNameAddr } from "../uri.js";
import { makeRequest } from "./builders.js";
import { tagOf, type Essentials } from "./headers.js";
import type { LocalIdentity } from "./local.js";
import { getHeader, getHeaders, type SipRequest, type SipResponse } from "./message.js";
import type { TransportName } from "./transport.js";

/** A request to send in a dialog, and the URI of its next hop. */
export interface DialogRequest {
  request: SipRequest;
  hop: string;
}

/**
 * Dialog state (RFC 3261 12): tags, CSeq counters, the remote target (its
 * Contact) and the route set (Record-Route: in order for the UAS, reversed
 * for the UAC). Builds in-dialog requests with loose routing, and strict
 * routing when the first route lacks `lr` (12.2.1.1).
 */
export class Dialog {
  localSeq: number;
  remoteSeq: number | null;

  constructor(
    readonly callId: string,
    readonly localTag: string,
    readonly remoteTag: string,
    /** Our From/To value with our tag, as it goes into requests we send. */
    readonly localHeader: string,
    /** Theirs, with their tag. */
    readonly remoteHeader: string,
    public remoteTarget: string,
    readonly routeSet: readonly string[],
    readonly transport: TransportName,
    localSeq: number,
    remoteSeq: number | null,
  ) {
    this.localSeq = localSeq;
    this.remoteSeq = remoteSeq;
  }

  /** The dialog as the UAS of an INVITE we answered 2xx. */
  static forUas(invite: SipRequest, ess: Essentials, localTag: string, transport: TransportName): Dialog {
    const to = getHeader(invite, "to") ?? "";
    return new Dialog(
      ess.callId,
      localTag,
      tagOf(ess.from) ?? "",
      `${to};tag=${localTag}`,
      getHeader(invite, "from") ?? "",
      contactUri(invite) ?? ess.from.uri,
      getHeaders(invite, "record-route"),
      transport,
      randomInt(1, 2 ** 30),
      ess.cseq.seq,
    );
  }

  /** The dialog as the UAC, from our INVITE and the 2xx that answered it. */
  static forUac(
    invite: SipRequest,
    inviteSeq: number,
    response: SipResponse,
    ess: Essentials,
    transport: TransportName,
  ): Dialog {
    return new Dialog(
      ess.callId,
      tagOf(ess.from) ?? "",
      tagOf(ess.to) ?? "",
      getHeader(invite, "from") ?? "",
      getHeader(response, "to") ?? "",
      contactUri(response) ?? invite.uri,
      getHeaders(response, "record-route").reverse(),
      transport,
      inviteSeq,
      null,
    );
  }

  /** The key requests are matched on: Call-ID, our tag, their tag. */
  get key(): string {
    return dialogKey(this.callId, this.localTag, this.remoteTag);
  }

  /** Accepts a remote CSeq if it moves forward (12.2.2); a lower one gets 500. */
  acceptRemoteSeq(seq: number, method: string): boolean {
    if (method === "ACK" || method === "CANCEL") return true;
    if (this.remoteSeq !== null && seq <= this.remoteSeq) return false;
    this.remoteSeq = seq;
    return true;
  }

  /** Builds an in-dialog request; `seq` is given for ACK (the INVITE's), else the next local CSeq. */
  build(
    method: string,
    local: LocalIdentity,
    branch: string,
    options: {
      seq?: number;
      headers?: [string, string][];
      body?: string;
      contentType?: string;
    } = {},
  ): DialogRequest {
    const seq = options.seq ?? ++this.localSeq;
    const first = this.routeSet[0];
    const firstUri = first ? parseNameAddr(first)?.uri : undefined;
    let uri = this.remoteTarget;
    let routes = [...this.routeSet];
    let hop = this.remoteTarget;
    if (firstUri && /;lr(=|;|$)/i.test(firstUri)) {
      hop = firstUri;
    } else if (firstUri) {
      // Strict router (RFC 2543): it goes in the Request-URI, the remote target becomes the last route.
      uri = firstUri;
      routes = [...this.routeSet.slice(1), `<${this.remoteTarget}>`];
      hop = firstUri;
    }
    const withContact = method === "INVITE" || method === "REFER" || method === "UPDATE";
    const spec = {
      method,
      uri,
      via: local.via(this.transport, branch),
      from: this.localHeader,
      to: this.remoteHeader,
      callId: this.callId,
      cseq: seq,
      routes,
      ...(withContact ? { contact: local.contact(this.transport) } : {}),
      ...(options.headers ? { headers: options.headers } : {}),
      ...(options.body ? { body: options.body, contentType: options.contentType ?? "application/sdp" } : {}),
    };
    return { request: makeRequest(spec), hop };
  }
}

/** Call-ID + local tag + remote tag. */
export function dialogKey(callId: string, localTag: string, remoteTag: string): string {
  return `${callId}|${localTag}|${remoteTag}`;
}

/** The URI of a message's first Contact. */
export function contactUri(message: SipRequest | SipResponse): string | undefined {
  const first = getHeaders(message, "contact")[0];
  return first ? parseNameAddr(first)?.uri : undefined;
}
