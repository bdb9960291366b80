import type { Logger } from "../../lib/logger.js";
import type { SdpCapabilities } from "../sdp.js";
import type { UnacknowledgedDialogs } from "../security/unacked.js";
import type { LocalIdentity } from "./local.js";
import type { ResponseOptions } from "./builders.js";
import type { Essentials } from "./headers.js";
import type { SipRequest, SipResponse } from "./message.js";
import type { SipTimers } from "./timers.js";
import type { ServerTransaction } from "./transactions/server.js";
import type { TransactionLayer } from "./transactions/layer.js";
import type { SipTransport, TransportName } from "./transport.js";

/** A call as the UA's dispatcher sees it (dialog-level entry points). */
export interface DialogHandler {
  /** An in-dialog request other than ACK, its server transaction already open. */
  handleRequest(request: SipRequest, ess: Essentials, tx: ServerTransaction): void;
  handleAck(request: SipRequest, ess: Essentials): void;
  /** UAC only: a 2xx for our INVITE after the first (lost ACK, or another fork). */
  handleExtra2xx?(response: SipResponse, ess: Essentials): void;
  shutdown(): Promise<void>;
}

/** What calls, dialing and registration share from the UA. */
export interface UaContext {
  transport: SipTransport;
  transactions: TransactionLayer;
  local: LocalIdentity;
  timers: SipTimers;
  logger: Logger;
  caps: SdpCapabilities;
  transports: readonly TransportName[];
  userAgent: string;
  /** Answered inbound calls awaiting their ACK, per source (the cap on unacknowledged dialogs). */
  unacked: UnacknowledgedDialogs;
  /** Makes a dialog reachable for in-dialog requests (key = Call-ID|local tag|remote tag). */
  addDialog(key: string, handler: DialogHandler): void;
  removeDialog(key: string): void;
  /** Answers a server transaction (adds Server and, where needed, our To tag). */
  respond(tx: ServerTransaction, status: number, reason: string, options?: ResponseOptions): void;
}
