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
  return e164 ? { to: e164 } : { error: `'${s.slice(0, 40)}' is not a phone number (E.164, or national with the site's country code ${defaultCountryCode})` };
}

/** The recipient's zone: explicit, else the window's, else derived from the number (a SIP URI's number too). */
export function recipientZone(config: NotifyConfig, to: string, defaultCountryCode: string, explicit?: string | null, window?: WindowSpec | null): string {
  return resolveZone(config, dncKey(to, defaultCountryCode) ?? to, explicit, window);
}
