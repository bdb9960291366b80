/** Errors of the media plane: RtpError for misuse and bad input, PortsExhaustedError when no port is left. */
import { ParleyError, type ParleyErrorOptions } from "../lib/errors.js";

export class RtpError extends ParleyError {
  constructor(code: string, message: string, options: ParleyErrorOptions = {}) {
    super(code, message, { status: 500, ...options });
    this.name = "RtpError";
  }
}

/** Every port of the range is taken; SIP answers 503 and the caller may retry later. */
export class PortsExhaustedError extends RtpError {
  constructor(min: number, max: number, inUse: number, busyElsewhere: number) {
    super(
      "rtp_ports_exhausted",
      `no free RTP port in ${min}-${max} (${inUse} in use here, ${busyElsewhere} busy elsewhere)`,
      {
        status: 503,
        retryable: true,
        details: { min, max, inUse, busyElsewhere },
      },
    );
    this.name = "PortsExhaustedError";
  }
}
