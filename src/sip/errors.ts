import { ParleyError, type ParleyErrorOptions } from "../lib/errors.js";

/**
 * A SIP failure: a final response a peer sent us (486, 603, 404...), or one we
 * synthesise for a local failure (408 on timeout, 503 on a transport error).
 * `sipStatus` is the SIP code; `status` stays an HTTP status (ParleyError's
 * contract, used by the API's error handler), because SIP codes such as 603
 * are not valid HTTP statuses.
 */
export class SipError extends ParleyError {
  readonly sipStatus: number;
  readonly reason: string;

  constructor(sipStatus: number, reason: string, options: Omit<ParleyErrorOptions, "status"> = {}) {
    super(codeFor(sipStatus), `SIP ${sipStatus} ${reason}`, {
      status: httpStatusFor(sipStatus),
      retryable: options.retryable ?? retryableSip(sipStatus),
      ...(options.cause === undefined ? {} : { cause: options.cause }),
      details: { sipStatus, reason, ...options.details },
    });
    this.name = "SipError";
    this.sipStatus = sipStatus;
    this.reason = reason;
  }
}

/** Why a call ended; the `reason` of a call's AbortSignal is a CallEnded carrying one of these. */
export type CallEndReason =
  | "remote-bye"
  | "local-bye"
  | "cancelled"
  | "rejected"
  | "ack-timeout"
  | "media-failed"
  | "transport-error"
  | "shutdown";

/** The AbortSignal reason of a call that has ended. */
export class CallEnded extends ParleyError {
  readonly endReason: CallEndReason;

  constructor(endReason: CallEndReason, detail?: string) {
    super("call_ended", detail ? `call ended: ${endReason} (${detail})` : `call ended: ${endReason}`, { status: 410 });
    this.name = "CallEnded";
    this.endReason = endReason;
  }
}

function codeFor(sipStatus: number): string {
  if (sipStatus === 408) return "sip_timeout";
  if (sipStatus === 486 || sipStatus === 600) return "sip_busy";
  if (sipStatus === 401 || sipStatus === 407) return "sip_auth_failed";
  if (sipStatus === 603) return "sip_declined";
  return sipStatus >= 500 ? "sip_server_error" : "sip_rejected";
}

/** The remote end failed our request: a gateway error, or a gateway timeout for 408. */
function httpStatusFor(sipStatus: number): number {
  if (sipStatus === 408) return 504;
  if (sipStatus === 503) return 503;
  return 502;
}

/** Busy, temporarily unavailable, timeouts and 5xx may succeed later; 4xx/6xx otherwise will not. */
function retryableSip(sipStatus: number): boolean {
  return [408, 480, 486, 500, 503, 504, 600].includes(sipStatus);
}
