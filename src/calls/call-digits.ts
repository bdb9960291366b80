import type { RtpSession } from "../rtp/index.js";
import type { SipCall } from "../sip/index.js";

/**
 * A call's keypad digits however the phone sends them: RFC 4733 events in the
 * RTP stream, or SIP INFO (application/dtmf-relay, application/dtmf). Calls
 * `onDigit` for each, in arrival order; the promise settles when the RTP
 * session's events end (the call is over). This reads `rtp.events`, whose
 * only reader it must be.
 */
export function watchDigits(rtp: RtpSession, sip: SipCall, onDigit: (digit: string) => void): Promise<void> {
  const off = sip.on("call:dtmf", (e) => onDigit(e.digit));
  return (async () => {
    try {
      for await (const e of rtp.events) if (e.type === "dtmf:digit") onDigit(e.digit);
    } finally {
      off();
    }
  })();
}
