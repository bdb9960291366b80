import type { NotifyConfig } from "../config/sections/notify.js";
import { normalizeE164 } from "../lib/phone.js";
import { resolveZone, type WindowSpec } from "./compliance/calling-rules.js";
import { dncKey } from "./compliance/dnc.js";

const SIP_URI = /^sips?:[^\s<>"@]+@[^\s<>"]+$/i;

/**
 * A recipient as given (a phone number in any common national or
 * international form, or a SIP URI) to what is stored and dialled: E.164,
 * or the SIP URI unchanged. `error` says why it is neither.
 */
export function normaliseRecipient(raw: string, defaultCountryCode: string): { to: string } | { error: string } {
  const s = raw.trim();
  if (SIP_URI.test(s)) return s.length <= 256 ? { to: s } : { error: "the SIP URI is too long" };
  const e164 = normalizeE164(s, { defaultCountryCode });
  return e164
    ? { to: e164 }
    : {
        error: `'${s.slice(0, 40)}' is not a phone number (E.164, or national with the site's country code ${defaultCountryCode})`,
      };
}

/**
 * Why a normalised recipient cannot be dialled from this configuration, or
 * null: a phone number goes out through the trunk, so without `sip.trunk.uri`
 * only SIP URIs can be called. Checked when a notification or a campaign row
 * is accepted, so the request fails now, not hours later in a worker.
 */
export function undialable(trunkUri: string | undefined, to: string): string | null {
  if (SIP_URI.test(to) || trunkUri) return null;
  return `no SIP trunk is configured (sip.trunk.uri), so ${to} cannot be called: configure the trunk, or give a sip: URI`;
}

/** The recipient's zone: explicit, else the window's, else derived from the number (a SIP URI's number too). */
export function recipientZone(
  config: NotifyConfig,
  to: string,
  defaultCountryCode: string,
  explicit?: string | null,
  window?: WindowSpec | null,
): string {
  return resolveZone(config, dncKey(to, defaultCountryCode) ?? to, explicit, window);
}
