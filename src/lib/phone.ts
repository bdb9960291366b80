/**
 * Phone numbers to E.164 ("+14155550123") with libphonenumber-js, which
 * knows each country's numbering plan: its trunk prefix (the UK's 0 is
 * dropped after +44, Italy's leading 0 is part of the number and kept after
 * +39, Russia's trunk prefix is 8), its international prefix (011 in North
 * America, 00 in most places, 810 in Russia) and its number lengths.
 *
 * A number is accepted when its length is possible for its country, not only
 * when its digits fall in a range assigned today: the library's author
 * advises this, and a Parley behind a PBX on an air-gapped site keeps its
 * metadata for years while regulators keep opening new ranges.
 */
import {
  parsePhoneNumberWithError,
  ParseError,
  validatePhoneNumberLength,
  type CountryCode,
  type PhoneNumber,
} from "libphonenumber-js/max";
import metadata from "libphonenumber-js/metadata.max.json";

export interface PhoneOptions {
  /** Country calling code of the site, digits only, e.g. "1" or "44". */
  defaultCountryCode: string;
}

/** Why a text is not a phone number (stable names, for callers that branch on them). */
export type PhoneProblem =
  "empty" | "not_a_number" | "unknown_country_code" | "too_short" | "too_long" | "invalid_length";

export type PhoneParse = { e164: string } | { problem: PhoneProblem; error: string };

const WORD_DIGITS: Record<string, string> = {
  zero: "0",
  oh: "0",
  o: "0",
  one: "1",
  two: "2",
  three: "3",
  four: "4",
  five: "5",
  six: "6",
  seven: "7",
  eight: "8",
  nine: "9",
};

/** Spoken digits ("four one five...") as ASR writes them, to digits. */
function spokenToDigits(raw: string): string {
  return raw
    .toLowerCase()
    .split(/[\s,-]+/)
    .map((w) => WORD_DIGITS[w] ?? w)
    .join(" ");
}

/**
 * The country whose numbering plan national numbers of this calling code
 * follow: libphonenumber's main country of the code (US for 1, GB for 44,
 * RU for 7), or undefined for a code it does not know. A country, not just
 * the code, so its international prefix (011 in North America) is read too.
 */
function siteCountry(callingCode: string): CountryCode | undefined {
  const countries: Record<string, string[] | undefined> = metadata.country_calling_codes;
  return countries[callingCode]?.[0] as CountryCode | undefined;
}

function knownCallingCode(callingCode: string): boolean {
  return siteCountry(callingCode) !== undefined;
}

/**
 * Parses a phone number written in any common form (international with +,
 * 00 or the site's own international prefix; national with or without the
 * trunk prefix; spoken digits) to E.164, or says why it cannot.
 */
export function parseE164(raw: string | null | undefined, options: PhoneOptions): PhoneParse {
  const text = raw ? spokenToDigits(raw.trim()) : "";
  if (!/\d/.test(text)) return fail(text ? "not_a_number" : "empty", raw, options);
  // 00 is the ITU's recommended international prefix: read it as + even where the site dials another one
  // (011 in North America, whose national numbers never begin with 0, so nothing national is lost).
  const input = text.replace(/^\s*00/, "+");
  const country = siteCountry(options.defaultCountryCode.replace(/\D/g, ""));
  let phone: PhoneNumber;
  try {
    phone = parsePhoneNumberWithError(input, { defaultCountry: country, extract: false });
  } catch (err) {
    if (!(err instanceof ParseError)) throw err;
    return fail(problemOf(err.message), raw, options);
  }
  // E.164 caps a number at 15 digits; the metadata of a few countries (Germany) allows longer national numbers.
  if (phone.number.length > 16) return fail("too_long", raw, options, phone.countryCallingCode);
  if (!phone.isPossible()) {
    const length = validatePhoneNumberLength(phone.number) ?? "INVALID_LENGTH";
    return fail(problemOf(length), raw, options, phone.countryCallingCode);
  }
  return { e164: phone.number };
}

/** E.164 for `raw`, or null when it is not a phone number (see parseE164 for the reason). */
export function normalizeE164(raw: string | null | undefined, options: PhoneOptions): string | null {
  const parsed = parseE164(raw, options);
  return "e164" in parsed ? parsed.e164 : null;
}

/**
 * True when an E.164 number's digits fall in a range its country has
 * assigned (stricter than parseE164, which checks the length only). For
 * repairing numbers stored by older versions, where validity tells a number
 * that was read wrongly from one that was read right.
 */
export function isAssignedE164(e164: string): boolean {
  try {
    return parsePhoneNumberWithError(e164, { extract: false }).isValid();
  } catch {
    return false;
  }
}

/**
 * The E.164 form a number stored by an older Parley should have had.
 * Older versions dropped a leading 0 from every national number outside
 * North America, right for the UK's trunk prefix but wrong where the 0 is
 * part of the number (Italy: 06 1234 5678 was stored as +39612345678, not
 * +390612345678). A stored number that is not assigned as it stands but is
 * once that 0 is put back is returned with it; any other text unchanged.
 * Migration 019 applies it to stored numbers.
 */
export function repairLegacyE164(stored: string): string {
  const m = /^\+(\d+)$/.exec(stored);
  if (!m || isAssignedE164(stored)) return stored;
  for (const length of [1, 2, 3]) {
    const code = (m[1] ?? "").slice(0, length);
    if (!knownCallingCode(code)) continue;
    const repaired = `+${code}0${(m[1] ?? "").slice(length)}`;
    return isAssignedE164(repaired) ? repaired : stored;
  }
  return stored;
}

function problemOf(code: string): PhoneProblem {
  switch (code) {
    case "TOO_SHORT":
      return "too_short";
    case "TOO_LONG":
      return "too_long";
    case "INVALID_LENGTH":
      return "invalid_length";
    case "INVALID_COUNTRY":
      // A + with an unknown code, or a national number at a site whose calling code the library does not know.
      return "unknown_country_code";
    default:
      return "not_a_number";
  }
}

function fail(
  problem: PhoneProblem,
  raw: string | null | undefined,
  options: PhoneOptions,
  callingCode?: string,
): PhoneParse {
  const shown = JSON.stringify((raw ?? "").trim().slice(0, 40));
  const where = callingCode ? ` with country code +${callingCode}` : "";
  const error: Record<PhoneProblem, string> = {
    empty: "no phone number given",
    not_a_number: `${shown} is not a phone number`,
    unknown_country_code: knownCallingCode(options.defaultCountryCode.replace(/\D/g, ""))
      ? `${shown} does not start with a known country calling code`
      : `${shown} has no country code and the site's country code +${options.defaultCountryCode} is not a known calling code`,
    too_short: `${shown} is too short for a phone number${where}`,
    too_long: `${shown} is too long for a phone number${where}`,
    invalid_length: `${shown} has a number of digits that no phone number${where} has`,
  };
  return { problem, error: error[problem] };
}
