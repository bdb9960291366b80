import type { Logger } from "../../../lib/logger.js";
import { MAGIC_COOKIE } from "../builders.js";
import { readEssentials, tagOf, type Essentials } from "../headers.js";
import type { SipRequest, SipResponse } from "../message.js";
import type { SipTimers } from "../timers.js";
import type { Endpoint, SipTransport } from "../transport.js";
import { ClientTransaction, type ClientTxCallbacks } from "./client.js";
import { ServerTransaction } from "./server.js";

/**
 * Owns every open transaction and matches messages to them (RFC 3261 17.1.3
 * and 17.2.3): server side by top-Via branch + sent-by + method (ACK and
 * CANCEL look up the INVITE), client side by branch + CSeq method.
 */
export class TransactionLayer {
  private readonly servers = new Map<string, ServerTransaction>();
  private readonly clients = new Map<string, ClientTransaction>();

  constructor(
    private readonly transport: SipTransport,
    readonly timers: SipTimers,
    private readonly logger: Logger,
  ) {}

  /** The server transaction a request belongs to (for ACK/CANCEL: the INVITE's), if any. */
  findServer(
    request: SipRequest,
    ess: Essentials,
    asMethod = request.method === "ACK" ? "INVITE" : request.method,
  ): ServerTransaction | undefined {
    return this.servers.get(serverKey(ess, asMethod));
  }

  /** Opens a server transaction for a new request. */
  createServer(request: SipRequest, ess: Essentials, source: Endpoint): ServerTransaction {
    const key = serverKey(ess, request.method);
    const tx = new ServerTransaction(key, request, ess, source, {
      send: (m, to) => this.transport.send(m, to),
      timers: this.timers,
      logger: this.logger,
      onTerminated: (k) => this.servers.delete(k),
    });
    this.servers.set(key, tx);
    return tx;
  }

  /** Sends a request in a new client transaction. The request's top Via must carry a fresh branch. */
  sendRequest(request: SipRequest, target: Endpoint, callbacks: ClientTxCallbacks): ClientTransaction {
    const ess = readEssentials(request);
    if (!ess) throw new Error(`cannot send malformed ${request.method}`);
    const key = clientKey(String(ess.topVia.params.branch ?? ""), ess.cseq.method);
    const tx = new ClientTransaction(
      key,
      request,
      target,
      {
        send: (m, to) => this.transport.send(m, to),
        timers: this.timers,
        logger: this.logger,
        onTerminated: (k) => this.clients.delete(k),
      },
      callbacks,
    );
    this.clients.set(key, tx);
    tx.start();
    return tx;
  }

  /** Routes a response to its client transaction; false when none matches (stray or late 2xx). */
  receiveResponse(response: SipResponse, ess: Essentials): boolean {
    const tx = this.clients.get(clientKey(String(ess.topVia.params.branch ?? ""), ess.cseq.method));
    if (!tx) return false;
    tx.receive(response);
    return true;
  }

  /** Terminates everything (shutdown); requests still waiting fail rather than hang. */
  close(): void {
    for (const tx of [...this.servers.values()]) tx.terminate();
    for (const tx of [...this.clients.values()]) tx.abort(new Error("SIP user agent closed"));
  }
}

function serverKey(ess: Essentials, method: string): string {
  const via = ess.topVia;
  const branch = String(via.params.branch ?? "");
  if (branch.startsWith(MAGIC_COOKIE)) return `${branch}|${via.host}:${via.port ?? ""}|${method}`;
  // RFC 2543 peers: no unique branch, so match on the dialog and CSeq (17.2.3's fallback, simplified).
  return `2543|${ess.callId}|${tagOf(ess.from) ?? ""}|${ess.cseq.seq}|${via.host}:${via.port ?? ""}|${method}`;
}

function clientKey(branch: string, method: string): string {
  return `${branch}|${method === "ACK" ? "INVITE" : method}`;
}
