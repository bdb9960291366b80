import { AbortError } from "../../lib/errors.js";
import { SipError } from "../errors.js";
import { makeRequest } from "./builders.js";
import type { UaContext } from "./context.js";
import { readEssentials, type Essentials } from "./headers.js";
import { getHeader, getHeaders, type SipRequest, type SipResponse } from "./message.js";
import { sendAndWait } from "./request.js";
import { later } from "./timers.js";
import type { Endpoint } from "./transport.js";

export interface InviteOutcome {
  final: SipResponse;
  /** Why we CANCELled, if we did (the final is then usually 487, but a 2xx can still win the race). */
  cancelledBy: "abort" | "timeout" | null;
}

export interface InviteHooks {
  signal?: AbortSignal;
  timeoutMs: number;
  onProgress?: (status: number, reason: string) => void;
  onExtra2xx: (response: SipResponse, ess: Essentials) => void;
}

/**
 * Runs one INVITE client transaction. Abort or timeout sends CANCEL, but only
 * once a provisional response has arrived (RFC 3261 9.1); before that the
 * CANCEL waits for one. If nothing ends the transaction 64*T1 after the
 * CANCEL (a peer that never sends 487), we give up locally.
 */
export function runInvite(
  ctx: UaContext,
  invite: SipRequest,
  target: Endpoint,
  hooks: InviteHooks,
): Promise<InviteOutcome> {
  return new Promise<InviteOutcome>((resolve, reject) => {
    let cancelledBy: InviteOutcome["cancelledBy"] = null;
    let cancelSent = false;
    let guard: NodeJS.Timeout | null = null;
    const timer = later(hooks.timeoutMs, () => requestCancel("timeout"));
    const onAbort = () => requestCancel("abort");
    hooks.signal?.addEventListener("abort", onAbort, { once: true });
    const cleanup = () => {
      clearTimeout(timer);
      if (guard) clearTimeout(guard);
      hooks.signal?.removeEventListener("abort", onAbort);
    };
    const failure = () =>
      cancelledBy === "abort"
        ? new AbortError(hooks.signal?.reason)
        : new SipError(408, cancelledBy ? "No Answer" : "Request Timeout");
    const tx = ctx.transactions.sendRequest(invite, target, {
      onProvisional: (response) => {
        hooks.onProgress?.(response.status, response.reason);
        if (cancelledBy && !cancelSent) sendCancel();
      },
      onFinal: (final) => {
        cleanup();
        resolve({ final, cancelledBy });
      },
      onExtra2xx: (response) => {
        const ess = readEssentials(response);
        if (ess) hooks.onExtra2xx(response, ess);
      },
      onTimeout: () => {
        cleanup();
        reject(failure());
      },
      onTransportError: (err) => {
        cleanup();
        reject(new SipError(503, "Service Unavailable", { cause: err }));
      },
    });
    function requestCancel(by: "abort" | "timeout"): void {
      if (cancelledBy) return;
      cancelledBy = by;
      if (tx.hasProvisional) sendCancel();
    }
    function sendCancel(): void {
      cancelSent = true;
      sendAndWait(ctx, cancelFor(invite), target).catch(() => {});
      guard = later(64 * ctx.timers.t1, () => {
        tx.terminate();
        cleanup();
        reject(failure());
      });
    }
  });
}

/** CANCEL for an INVITE (RFC 3261 9.1): same Request-URI, Call-ID, From, To, CSeq number, top Via and Route. */
export function cancelFor(invite: SipRequest): SipRequest {
  return makeRequest({
    method: "CANCEL",
    uri: invite.uri,
    via: getHeaders(invite, "via")[0] ?? "",
    from: getHeader(invite, "from") ?? "",
    to: getHeader(invite, "to") ?? "",
    callId: getHeader(invite, "call-id") ?? "",
    cseq: Number((getHeader(invite, "cseq") ?? "").split(/\s+/)[0]),
    routes: getHeaders(invite, "route"),
  });
}
