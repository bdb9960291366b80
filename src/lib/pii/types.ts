/**
 * Vocabulary of PII redaction: what can be found, where, and how it is
 * masked. The module is pure (strings and JSON values in, the same out); the
 * app decides where it runs (before anything is stored, logged or sent).
 */

/** The kinds of personal data the built-in detectors find; `custom` is a site's own regex rule. */
export const piiKinds = ["card", "nationalId", "email", "phone"] as const;
export type BuiltinPiiKind = (typeof piiKinds)[number];
export type PiiKind = BuiltinPiiKind | "custom";

/** National identity numbers with a documented shape (and a checksum where the scheme has one). */
export const nationalIdSchemes = [
  "us-ssn", // US Social Security number: AAA-GG-SSSS, area/group/serial rules (no checksum exists)
  "uk-nino", // UK National Insurance number: two letters, six digits, A-D (prefix rules, no checksum exists)
  "es-dni", // Spanish DNI: eight digits and a mod-23 check letter
  "es-nie", // Spanish NIE: X/Y/Z, seven digits and the same mod-23 check letter
  "it-codice-fiscale", // Italian codice fiscale: 16 characters, odd/even-table check character
  "de-steuer-id", // German tax identification number: 11 digits, ISO 7064 MOD 11,10 check digit, digit-repeat rule
  "fr-nir", // French social security number (NIR): 13 digits + 2-digit mod-97 key, Corsica 2A/2B
] as const;
export type NationalIdScheme = (typeof nationalIdSchemes)[number];

/** How a found value is written over. */
export const maskStyles = ["label", "partial", "char", "hash"] as const;
export type MaskStyle = (typeof maskStyles)[number];

/** One piece of personal data found in a text: [start, end) in UTF-16 code units. */
export interface PiiFinding {
  kind: PiiKind;
  /** Finer name: a card brand, a national ID scheme, a custom rule's name, "spoken" forms. */
  detail: string;
  start: number;
  end: number;
  /** The digits or characters that identify the value (digits only for numbers), used by partial and hash masks. */
  normalized: string;
}

/** A site's own pattern: every match is masked as `custom` with this name. */
export interface CustomRule {
  name: string;
  /** A JavaScript regular expression source; compiled with the `g` flag added. */
  pattern: string;
  flags: string;
  /** Text written instead of the match; defaults to `[<name>]`. */
  replacement?: string | undefined;
}

/** Everything the redactor needs, already validated (src/config/sections/privacy.ts builds it). */
export interface RedactionRules {
  kinds: readonly BuiltinPiiKind[];
  nationalIds: readonly NationalIdScheme[];
  mask: MaskStyle;
  /** Secret for `mask: hash` (HMAC-SHA256): the same value always gives the same tag, unreadable without the key. */
  hashKey?: string | undefined;
  /** Digits spoken as words ("four one one one ...", "vier eins ...") count like written digits. */
  spokenDigits: boolean;
  /** Words that, just before a number, mark it as not personal ("order", "Rechnung", "commande", "pedido"). */
  safeContexts: readonly string[];
  custom: readonly CustomRule[];
  /** Object keys whose values are never changed (ids, timestamps): exact names or /regex/ strings. */
  preserveKeys: readonly string[];
}
