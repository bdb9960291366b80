/**
 * Phone numbers to E.164 ("+14155550123") where that is possible without a
 * full numbering-plan database: explicit international forms (+, 00, 011)
 * are kept; a national number is given the site's default country code, with
 * a leading trunk "0" dropped (most of Europe, the UK) or a leading "1"
 * understood (North America). Anything else is left as null, not guessed.
 */
export interface PhoneOptions {
  /** Country calling code of the site, digits only, e.g. "1" or "44". */
  defaultCountryCode: string;
}

const WORD_DIGITS: Record<string, string> = {
  zero: "0", oh: "0", o: "0", one: "1", two: "2", three: "3", four: "4", five: "5", six: "6", seven: "7", eight: "8", nine: "9",
};

/** Spoken digits ("four one five...") as ASR writes them, to digits. */
function spokenToDigits(raw: string): string {
  return raw
    .toLowerCase()
    .split(/[\s,-]+/)
    .map((w) => WORD_DIGITS[w] ?? w)
    .join(" ");
}

export function normalizeE164(raw: string | null | undefined, options: PhoneOptions): string | null {
  if (!raw) return null;
  const text = spokenToDigits(raw.trim());
  const plus = /^\s*\+/.test(text);
  const digits = text.replace(/\D/g, "");
  if (digits.length < 7 || digits.length > 17) return null;
  const cc = options.defaultCountryCode.replace(/\D/g, "");
  let e164: string;
  if (plus) e164 = digits;
  else if (digits.startsWith("00")) e164 = digits.slice(2);
  else if (digits.startsWith("011") && cc === "1") e164 = digits.slice(3);
  else if (cc === "1") {
    if (digits.length === 10) e164 = `1${digits}`;
    else if (digits.length === 11 && digits.startsWith("1")) e164 = digits;
    else return null;
  } else if (digits.startsWith("0")) e164 = cc + digits.slice(1);
  else e164 = cc + digits;
  // E.164: at most 15 digits, country codes never start with 0.
  if (e164.length < 8 || e164.length > 15 || e164.startsWith("0")) return null;
  return `+${e164}`;
}
