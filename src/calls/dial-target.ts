import { ParleyError } from "../lib/errors.js";
import type { SipConfig } from "../config/sections/sip.js";

/**
 * Where a call goes: a SIP URI as it is (tests, PBX extensions), a phone
 * number through the configured trunk (sip:+15551234567@trunk.example.com,
 * keeping the trunk URI's port and parameters such as transport=tcp).
 */
export function dialTarget(config: { sip: Pick<SipConfig, "trunk"> }, to: string): string {
  if (/^sips?:/i.test(to)) return to;
  const number = to.replace(/[\s().-]/g, "");
  if (!/^\+?[0-9*#]{2,32}$/.test(number)) {
    throw new ParleyError(
      "invalid_number",
      `cannot dial ${JSON.stringify(to)}: not a phone number (digits, an optional leading +) or a SIP URI`,
      { status: 422, retryable: false },
    );
  }
  const trunk = config.sip.trunk?.uri;
  if (!trunk)
    throw new ParleyError("no_trunk", `cannot dial ${to}: configure sip.trunk.uri (or give a SIP URI)`, {
      status: 422,
      retryable: false,
    });
  const scheme = /^sips:/i.test(trunk) ? "sips" : "sip";
  const host = trunk.replace(/^sips?:/i, "").replace(/^[^@]*@/, "");
  return `${scheme}:${number}@${host}`;
}
